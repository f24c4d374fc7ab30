import { sha256Hex } from './sha256-hex.ts';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

/** What the signing key signs: the algorithm, the time, the scope and the canonical request's hash. */
export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}
