import { createHash } from 'node:crypto';
import { ConflictError } from '@scale-models/errors';
import type pg from 'pg';
import { Batcher } from './batcher.ts';

type Queryable = Pick<pg.Pool, 'query'>;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** What claiming a key found. */
export type Claim =
  /** Ours to execute; `paymentId` is set when an earlier execution got that far and died. */
  { kind: 'execute'; paymentId: string | null } | { kind: 'replay'; response: StoredResponse };

export const KEY_LIFETIME_HOURS = 24;

/** SHA-256 of what makes two requests "the same": method, path and canonical JSON body. */
export function requestFingerprint(method: string, path: string, body: unknown): Buffer {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest();
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Stripe's idempotency semantics on PostgreSQL. The INSERT ... ON CONFLICT decides, under the
 * primary key's lock, which of any number of concurrent requests executes: exactly one gets
 * the row. A key older than 24 hours is taken over as new. A key whose executor died (its
 * lease ran out) is taken over by the next retry, which resumes rather than redoes the work.
 */
export class IdempotencyStore {
  private readonly pool: Queryable;
  private readonly leaseMs: number;
  private readonly completions: Batcher<Completion, void> | undefined;
  private readonly claims: Batcher<KeyClaim, KeyRow> | undefined;

  /** With `groupCommit`, concurrent claims, and completions, are one statement and commit. */
  constructor(
    pool: Queryable,
    leaseMs: number,
    groupCommit?: { maxBatch: number; maxWaitMs: number },
  ) {
    this.pool = pool;
    this.leaseMs = leaseMs;
    this.completions =
      groupCommit === undefined
        ? undefined
        : new Batcher<Completion, void>({
            ...groupCommit,
            runOne: (completion) => this.completeOne(completion),
            // One UPDATE for the batch: it cannot fail one key and not the others, so a
            // failure fails the batch, and the batcher retries each key alone.
            runBatch: async (completions) => {
              await this.pool.query({
                name: 'complete_keys',
                text: 'SELECT complete_keys($1::jsonb)',
                values: [JSON.stringify(completions)],
              });
              return completions.map(() => ({ ok: true as const, value: undefined }));
            },
          });
    this.claims =
      groupCommit === undefined
        ? undefined
        : new Batcher<KeyClaim, KeyRow>({
            ...groupCommit,
            runOne: (claim) => this.claimOne(claim),
            runBatch: async (claims) =>
              (await this.claimRows(claims)).map((value) => ({ ok: true as const, value })),
          });
  }

  async claim(merchantId: string, key: string, fingerprint: Buffer): Promise<Claim> {
    const claim = { merchant: merchantId, key, fingerprint };
    const row =
      this.claims === undefined ? await this.claimOne(claim) : await this.claims.submit(claim);
    if (row.taken) return { kind: 'execute', paymentId: row.payment_id };
    if (!row.request_sha256.equals(fingerprint)) {
      throw new UnprocessableKeyError();
    }
    if (row.state === 'done') {
      return {
        kind: 'replay',
        response: { status: row.response_status!, body: row.response_body },
      };
    }
    throw new ConflictError(
      'idempotency.in_flight',
      'A request with this Idempotency-Key is still being processed; retry later.',
    );
  }

  private async claimOne(claim: KeyClaim): Promise<KeyRow> {
    const [row] = await this.claimRows([claim]);
    return row!;
  }

  /**
   * The claims of a batch in one statement (the SQL function `claim_keys`, migrations/0005).
   * The same key twice in a batch is taken once: the first claim in the batch gets the row,
   * the others see it in flight, as if they had come a moment later.
   */
  private async claimRows(claims: KeyClaim[]): Promise<KeyRow[]> {
    const { rows } = await this.pool.query<KeyRow & { merchant_id: string; key: string }>({
      name: 'claim_keys',
      text: 'SELECT * FROM claim_keys($1::jsonb, $2, $3)',
      values: [
        JSON.stringify(
          claims.map((c, i) => ({
            i,
            merchant: c.merchant,
            key: c.key,
            sha: c.fingerprint.toString('hex'),
          })),
        ),
        this.leaseMs,
        KEY_LIFETIME_HOURS,
      ],
    });
    const found = new Map(rows.map((row) => [`${row.merchant_id}\n${row.key}`, row]));
    const seen = new Set<string>();
    return Promise.all(
      claims.map(async ({ merchant, key }) => {
        const id = `${merchant}\n${key}`;
        const row = found.get(id);
        const first = !seen.has(id);
        seen.add(id);
        return row === undefined
          ? this.readKey(merchant, key)
          : { ...row, taken: row.taken && first };
      }),
    );
  }

  /**
   * A row committed by a concurrent claim after the claiming statement's snapshot is not
   * visible to its SELECT part: read it again in a statement of its own.
   */
  private async readKey(merchantId: string, key: string): Promise<KeyRow> {
    const { rows } = await this.pool.query<KeyRow>(READ, [merchantId, key]);
    return rows[0]!;
  }

  async complete(merchantId: string, key: string, response: StoredResponse): Promise<void> {
    const completion = { merchant: merchantId, key, status: response.status, body: response.body };
    if (this.completions === undefined) await this.completeOne(completion);
    else await this.completions.submit(completion);
  }

  private async completeOne({ merchant, key, status, body }: Completion): Promise<void> {
    await this.pool.query({
      name: 'complete_key',
      text: `UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4
       WHERE merchant_id = $1 AND key = $2`,
      values: [merchant, key, status, JSON.stringify(body)],
    });
  }

  /** Completes the key of the request that created a payment the recovery job resolved. */
  async completeForPayment(paymentId: string, response: StoredResponse): Promise<void> {
    await this.pool.query(
      `UPDATE idempotency_keys SET state = 'done', response_status = $2, response_body = $3
       WHERE payment_id = $1 AND state = 'in_flight'`,
      [paymentId, response.status, JSON.stringify(response.body)],
    );
  }

  /** Lets the next retry take the key over at once (the work may be resumed, not redone). */
  async release(merchantId: string, key: string): Promise<void> {
    await this.pool.query(
      `UPDATE idempotency_keys SET locked_until = now() WHERE merchant_id = $1 AND key = $2 AND state = 'in_flight'`,
      [merchantId, key],
    );
  }

  /** Drops keys past their lifetime (a key is also taken over as new when found expired). */
  async purgeExpired(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${KEY_LIFETIME_HOURS})`,
    );
    return rowCount ?? 0;
  }
}

interface KeyClaim {
  merchant: string;
  key: string;
  fingerprint: Buffer;
}

interface Completion {
  merchant: string;
  key: string;
  status: number;
  body: unknown;
}

interface KeyRow {
  taken: boolean;
  request_sha256: Buffer;
  state: 'in_flight' | 'done';
  payment_id: string | null;
  response_status: number | null;
  response_body: unknown;
}

/** 422: the key was used before with a different request. */
export class UnprocessableKeyError extends Error {
  readonly code = 'idempotency.key_reused';
  constructor() {
    super('This Idempotency-Key was used with a different request; use a new key.');
  }
}

const READ = `SELECT false AS taken, request_sha256, state, payment_id, response_status, response_body
FROM idempotency_keys WHERE merchant_id = $1 AND key = $2`;
