import type { VersioningStatus } from '../parse/parse-versioning-configuration.ts';
import { optional, renderXmlDocument, s3Root } from '../xml/xml-document.ts';

/**
 * GetBucketVersioning: `VersioningConfiguration`, empty for a bucket whose versioning was
 * never enabled (S3 has no "Disabled" status), else Enabled or Suspended.
 */
export function renderVersioningConfiguration(status: VersioningStatus | undefined): string {
  return renderXmlDocument(s3Root('VersioningConfiguration', [optional('Status', status)]));
}
