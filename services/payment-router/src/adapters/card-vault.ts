import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CheckedCard } from '../domain/card.ts';

export interface SealedCard {
  /** The token of a new vault row; a card already vaulted keeps its first token. */
  token: string;
  fingerprint: Buffer;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

/**
 * Tokenizes cards: the PAN is stored only as AES-256-GCM ciphertext under the key from the
 * environment, written with the payment in one statement (src/payments/begin-payment.ts). The
 * PAN of a request goes to the PSP from memory; only charging a stored token decrypts it. The fingerprint is an HMAC of the PAN
 * under a key derived from the vault key, so velocity checks and deduplication never need the PAN.
 */
export class CardVault {
  // Key objects made once: given raw bytes, every cipher and HMAC would import the key again
  // (a visible share of the router's CPU in its profile).
  private readonly key: KeyObject;
  private readonly fingerprintKey: KeyObject;

  constructor(hexKey: string) {
    this.key = createSecretKey(Buffer.from(hexKey, 'hex'));
    this.fingerprintKey = createSecretKey(
      createHmac('sha256', this.key).update('fingerprint').digest(),
    );
  }

  fingerprint(pan: string): Buffer {
    return createHmac('sha256', this.fingerprintKey).update(pan).digest();
  }

  /** The PAN of a stored card, for charging it again; GCM refuses a tampered ciphertext. */
  unseal(stored: { ciphertext: Buffer; iv: Buffer; tag: Buffer }): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, stored.iv);
    decipher.setAuthTag(stored.tag);
    return Buffer.concat([decipher.update(stored.ciphertext), decipher.final()]).toString('utf8');
  }

  /** The card as the vault stores it: ciphertext under a fresh IV, a new token, its fingerprint. */
  seal(card: CheckedCard): SealedCard {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(card.number, 'utf8'), cipher.final()]);
    return {
      token: `tok_${randomUUID().replaceAll('-', '')}`,
      fingerprint: this.fingerprint(card.number),
      ciphertext,
      iv,
      tag: cipher.getAuthTag(),
    };
  }
}
