import { S3Error } from '../../s3-error.ts';

/** S3 keys are at most 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/**
 * Throws unless `key` can name an object: KeyTooLongError above 1024 UTF-8 bytes, and
 * InvalidArgument for an empty key, a lone surrogate (not UTF-8 at all) or U+0000, which
 * PostgreSQL text cannot hold (AWS accepts it; no client sends it).
 */
export function validateObjectKey(key: string): void {
  if (key === '') {
    throw new S3Error('InvalidArgument', 'The object key must not be empty.', {
      fields: { ArgumentName: 'key', ArgumentValue: '' },
    });
  }
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 'Your key is too long', {
      fields: { MaxSizeAllowed: String(MAX_KEY_BYTES), Size: String(bytes) },
    });
  }
  if (!key.isWellFormed() || key.includes('\u0000')) {
    throw new S3Error('InvalidArgument', 'The object key must be valid UTF-8 without NUL.', {
      fields: { ArgumentName: 'key' },
    });
  }
}
