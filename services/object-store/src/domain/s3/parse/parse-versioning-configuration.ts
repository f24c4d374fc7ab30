import { parseXmlBody } from '../xml/parse-xml-body.ts';
import { malformedXml } from '../xml/malformed-xml.ts';
import { childText } from '../xml/xml-node.ts';
import { XML_BODY_LIMITS } from './xml-body-limits.ts';

export type VersioningStatus = 'Enabled' | 'Suspended';

export interface VersioningConfiguration {
  /** `undefined` leaves the bucket's state as it is (an empty configuration is accepted). */
  readonly status: VersioningStatus | undefined;
  /** MFA delete is accepted in the document but this store has no MFA to enforce it with. */
  readonly mfaDelete: 'Enabled' | 'Disabled' | undefined;
}

/** The body of PutBucketVersioning: `<VersioningConfiguration><Status>Enabled</Status>…`. */
export function parseVersioningConfiguration(body: string | Uint8Array): VersioningConfiguration {
  const root = parseXmlBody(body, {
    root: 'VersioningConfiguration',
    maxBytes: XML_BODY_LIMITS.configuration,
  });
  return {
    status: oneOf(childText(root, 'Status'), ['Enabled', 'Suspended']),
    mfaDelete: oneOf(childText(root, 'MfaDelete'), ['Enabled', 'Disabled']),
  };
}

function oneOf<T extends string>(text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  const value = allowed.find((candidate) => candidate === text.trim());
  if (value === undefined) throw malformedXml();
  return value;
}
