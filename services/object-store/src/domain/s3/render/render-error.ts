import type { S3Error } from '../../s3-error.ts';
import { element, optional, renderXmlDocument } from '../xml/xml-document.ts';

export interface ErrorContext {
  readonly requestId: string;
  /** The path the request named (`/bucket/key`), when the error itself does not say. */
  readonly resource?: string;
  readonly hostId?: string;
}

/**
 * The body of every S3 error answer. AWS sends `<Error>` without a namespace, the code's own
 * extra fields (`<Key>`, `<BucketName>`, `<Condition>`…) after the message, then Resource,
 * RequestId and HostId. The message is never empty (S3Error guarantees it).
 */
export function renderError(error: S3Error, context: ErrorContext): string {
  return renderXmlDocument(
    element('Error', [
      element('Code', error.code),
      element('Message', error.message),
      ...Object.entries(error.fields).map(([name, value]) => element(name, value)),
      optional('Resource', error.resource ?? context.resource),
      element('RequestId', context.requestId),
      optional('HostId', context.hostId),
    ]),
  );
}
