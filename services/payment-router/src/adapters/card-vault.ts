import { createCipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { CheckedCard } from '../domain/card.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface VaultedCard {
  token: string;
  fingerprint: string;
}

/**
 * Tokenizes cards: the PAN is stored only as AES-256-GCM ciphertext under the key from the
 * environment (the PAN of a request goes to the PSP from memory;
 * nothing decrypts it in this miniature, see README). The fingerprint is an HMAC of the PAN
 * under a key derived from the vault key, so velocity checks and deduplication never need the PAN.
 */
export class CardVault {
  private readonly key: Buffer;
  private readonly fingerprintKey: Buffer;

  constructor(hexKey: string) {
    this.key = Buffer.from(hexKey, 'hex');
    this.fingerprintKey = createHmac('sha256', this.key).update('fingerprint').digest();
  }

  fingerprint(pan: string): Buffer {
    return createHmac('sha256', this.fingerprintKey).update(pan).digest();
  }

  async tokenize(client: Queryable, card: CheckedCard): Promise<VaultedCard> {
    const fingerprint = this.fingerprint(card.number);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(card.number, 'utf8'), cipher.final()]);
    const { rows } = await client.query<{ token: string }>(
      `INSERT INTO card_vault (token, fingerprint, pan_ciphertext, pan_iv, pan_tag, brand, bin, last4, exp_month, exp_year)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (fingerprint) DO UPDATE SET exp_month = EXCLUDED.exp_month, exp_year = EXCLUDED.exp_year
       RETURNING token`,
      [
        `tok_${randomUUID().replaceAll('-', '')}`,
        fingerprint,
        ciphertext,
        iv,
        cipher.getAuthTag(),
        card.brand,
        card.bin,
        card.last4,
        card.expMonth,
        card.expYear,
      ],
    );
    return { token: rows[0]!.token, fingerprint: fingerprint.toString('hex') };
  }
}
