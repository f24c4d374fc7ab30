import { hmacSha256 } from './hmac-sha256.ts';

/**
 * The key that signs everything in one credential scope: the secret is never used directly,
 * only this HMAC chain over date, region and service, so a leaked signing key is good for one
 * day, one region and one service.
 */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const dateKey = hmacSha256(`AWS4${secret}`, date);
  const regionKey = hmacSha256(dateKey, region);
  const serviceKey = hmacSha256(regionKey, service);
  return hmacSha256(serviceKey, 'aws4_request');
}
