import { S3Error } from '../../s3-error.ts';
import { MAX_KEY_BYTES } from '../names/object-key.ts';

// A version tag inside the token: random strings decode as base64url often enough, but almost
// never start with it, so a made-up token is refused instead of silently listing from it.
const TAG = 'k1:';
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The opaque ListObjectsV2 continuation token for a resume position (the last key or common
 * prefix of a page): base64url of a tag and the position. Stateless: any gateway replica can
 * continue any listing.
 */
export function encodeContinuationToken(position: string): string {
  return Buffer.from(TAG + position).toString('base64url');
}

/** The position a token resumes after; InvalidArgument for a token this store never issued. */
export function decodeContinuationToken(token: string): string {
  const position = tryDecode(token);
  if (position === undefined) {
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', {
      fields: { ArgumentName: 'continuation-token', ArgumentValue: token },
    });
  }
  return position;
}

function tryDecode(token: string): string | undefined {
  if (!BASE64URL.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  // Node's decoder ignores stray trailing bits; re-encoding catches tokens that were edited.
  if (bytes.toString('base64url') !== token) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  if (!text.startsWith(TAG)) return undefined;
  const position = text.slice(TAG.length);
  return Buffer.byteLength(position) <= MAX_KEY_BYTES ? position : undefined;
}
