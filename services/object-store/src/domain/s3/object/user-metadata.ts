import { S3Error } from '../../s3-error.ts';

const PREFIX = 'x-amz-meta-';

/** S3 caps user metadata at 2 KB: the UTF-8 bytes of every name (after `x-amz-meta-`) and value. */
export const MAX_USER_METADATA_BYTES = 2048;

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The user metadata of a PUT, CreateMultipartUpload or CopyObject (REPLACE): each
 * `x-amz-meta-<name>` header as `<name>` (lowercase, as Node delivers header names) → value.
 * Repeated headers join with `,` as HTTP does.
 */
export function extractUserMetadata(headers: Headers): Record<string, string> {
  const metadata: Record<string, string> = {};
  let bytes = 0;
  for (const [header, raw] of Object.entries(headers)) {
    const name = header.toLowerCase();
    if (!name.startsWith(PREFIX) || raw === undefined) continue;
    const key = name.slice(PREFIX.length);
    const value = typeof raw === 'string' ? raw : raw.join(',');
    metadata[key] = value;
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes > MAX_USER_METADATA_BYTES) {
    throw new S3Error(
      'MetadataTooLarge',
      'Your metadata headers exceed the maximum allowed metadata size',
      {
        fields: { Size: String(bytes), MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) },
      },
    );
  }
  return metadata;
}
