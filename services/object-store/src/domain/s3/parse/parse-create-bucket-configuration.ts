import { parseXmlBody } from '../xml/parse-xml-body.ts';
import { childText } from '../xml/xml-node.ts';
import { XML_BODY_LIMITS } from './xml-body-limits.ts';

export interface CreateBucketConfiguration {
  /** `undefined` means us-east-1, S3's default region. */
  readonly locationConstraint: string | undefined;
}

/**
 * The optional body of CreateBucket:
 * `<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>…`.
 * An empty body is the default configuration. Comparing the constraint with the store's own
 * region is the caller's (S3 answers IllegalLocationConstraintException).
 */
export function parseCreateBucketConfiguration(
  body: string | Uint8Array,
): CreateBucketConfiguration {
  const empty = typeof body === 'string' ? body.trim() === '' : body.byteLength === 0;
  if (empty) return { locationConstraint: undefined };
  const root = parseXmlBody(body, {
    root: 'CreateBucketConfiguration',
    maxBytes: XML_BODY_LIMITS.configuration,
  });
  const location = childText(root, 'LocationConstraint')?.trim();
  return { locationConstraint: location === '' ? undefined : location };
}
