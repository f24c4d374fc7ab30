import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '@scale-models/errors';
import type { FastifyRequest } from 'fastify';

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Merchant API keys, known by their SHA-256 only. */
export class MerchantKeys {
  private readonly byHash: Map<string, string>;

  constructor(keys: ReadonlyMap<string, string>) {
    this.byHash = new Map(
      [...keys].map(([merchant, key]) => [sha256(key).toString('hex'), merchant]),
    );
  }

  entries(): [merchantId: string, keySha256: Buffer][] {
    return [...this.byHash].map(([hash, merchant]) => [merchant, Buffer.from(hash, 'hex')]);
  }

  /** The merchant of `Authorization: Bearer <key>`, or 401 `auth.invalid_key`. */
  merchantOf(request: FastifyRequest): string {
    const merchant = this.byHash.get(sha256(bearer(request)).toString('hex'));
    if (merchant === undefined)
      throw new UnauthenticatedError('auth.invalid_key', 'Unknown API key.');
    return merchant;
  }
}

/** The operator key guarding the books-wide endpoints (trial balance, reconciliation, routing). */
export function requireOperator(request: FastifyRequest, operatorKeySha256: Buffer): void {
  if (!timingSafeEqual(sha256(bearer(request)), operatorKeySha256)) {
    throw new UnauthenticatedError('auth.not_operator', 'This endpoint needs the operator key.');
  }
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ') !== true) {
    throw new UnauthenticatedError('auth.missing_key', 'Send Authorization: Bearer <api key>.');
  }
  return header.slice('Bearer '.length);
}
