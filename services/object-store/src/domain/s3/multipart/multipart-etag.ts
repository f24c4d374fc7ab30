import { createHash } from 'node:crypto';
import { unquoteEtag } from '../http/etag.ts';

/**
 * The ETag S3 gives a multipart object: the MD5 of the concatenated binary MD5s of its parts,
 * a dash, and the part count (`"3858f62230ac3c915f300c664312c11f-9"`). Clients recognise the
 * form and do not compare it with an MD5 of the whole body. Takes the parts' ETags (their hex
 * MD5s, quoted or not) in part order; returns the ETag unquoted.
 */
export function multipartEtag(partEtags: readonly string[]): string {
  const hash = createHash('md5');
  for (const etag of partEtags) hash.update(Buffer.from(unquoteEtag(etag), 'hex'));
  return `${hash.digest('hex')}-${partEtags.length}`;
}
