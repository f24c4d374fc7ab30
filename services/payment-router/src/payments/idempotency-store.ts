import { createHash } from 'node:crypto';
import { ConflictError } from '@scale-models/errors';
import type pg from 'pg';
import { Batcher } from './batcher.ts';
import type { ItemResult } from './batcher.ts';

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
                text: `UPDATE idempotency_keys k SET state = 'done', response_status = c.status,
                         response_body = c.body
                       FROM jsonb_to_recordset($1::jsonb) AS c(merchant text, key text, status smallint, body jsonb)
                       WHERE k.merchant_id = c.merchant AND k.key = c.key`,
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
            runBatch: (claims) => this.claimBatch(claims),
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

  private async claimOne({ merchant, key, fingerprint }: KeyClaim): Promise<KeyRow> {
    // Prepared once per connection (named): planning this statement cost more than running it.
    const { rows } = await this.pool.query<KeyRow>({
      name: 'claim_key',
      text: CLAIM,
      values: [merchant, key, fingerprint, this.leaseMs],
    });
    return rows[0] ?? this.readKey(merchant, key);
  }

  /**
   * The claims of a batch in one statement. The same key twice in a batch is taken once: the
   * first claim in the batch gets the row, the others see it in flight, as if they had come
   * a moment later.
   */
  private async claimBatch(claims: KeyClaim[]): Promise<ItemResult<KeyRow>[]> {
    const { rows } = await this.pool.query<KeyRow & { merchant_id: string; key: string }>({
      name: 'claim_keys',
      text: CLAIM_BATCH,
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
        const value =
          row === undefined
            ? await this.readKey(merchant, key)
            : { ...row, taken: row.taken && first };
        return { ok: true as const, value };
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

// One statement: take a new key, an expired one (as new) or one whose executor's lease ran
// out (keeping what it recorded), else return the existing row untouched.
const EXPIRED = `k.created_at < now() - interval '${KEY_LIFETIME_HOURS} hours'`;
const TAKE = `
  ON CONFLICT (merchant_id, key) DO UPDATE SET
    request_sha256 = CASE WHEN ${EXPIRED} THEN EXCLUDED.request_sha256 ELSE k.request_sha256 END,
    payment_id = CASE WHEN ${EXPIRED} THEN NULL ELSE k.payment_id END,
    created_at = CASE WHEN ${EXPIRED} THEN now() ELSE k.created_at END,
    state = 'in_flight',
    response_status = NULL,
    response_body = NULL,
    locked_until = EXCLUDED.locked_until
  WHERE ${EXPIRED}
     OR (k.state = 'in_flight' AND k.locked_until < now() AND k.request_sha256 = EXCLUDED.request_sha256)`;
const COLUMNS = 'request_sha256, state, payment_id, response_status, response_body';

const CLAIM = `
WITH taken AS (
  INSERT INTO idempotency_keys AS k (merchant_id, key, request_sha256, state, locked_until)
  VALUES ($1, $2, $3, 'in_flight', now() + make_interval(secs => $4::int / 1000.0))
  ${TAKE}
  RETURNING true AS taken, ${COLUMNS}
)
SELECT * FROM taken
UNION ALL
SELECT false, ${COLUMNS}
FROM idempotency_keys WHERE merchant_id = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM taken)`;

// The same for a batch [{i, merchant, key, sha (hex)}]: each key once, its first claim in the
// batch (ON CONFLICT may not touch a row twice in one statement), in key order (so two
// batches lock rows in the same order).
const CLAIM_BATCH = `
WITH first_claims AS (
  SELECT DISTINCT ON (merchant, key) merchant, key, decode(sha, 'hex') AS sha
  FROM jsonb_to_recordset($1::jsonb) AS c(i int, merchant text, key text, sha text)
  ORDER BY merchant, key, i
), taken AS (
  INSERT INTO idempotency_keys AS k (merchant_id, key, request_sha256, state, locked_until)
  SELECT merchant, key, sha, 'in_flight', now() + make_interval(secs => $2::int / 1000.0)
  FROM first_claims ORDER BY merchant, key
  ${TAKE}
  RETURNING true AS taken, merchant_id, key, ${COLUMNS}
)
SELECT * FROM taken
UNION ALL
SELECT false, k.merchant_id, k.key, k.request_sha256, k.state, k.payment_id, k.response_status,
  k.response_body
FROM idempotency_keys k JOIN first_claims c ON k.merchant_id = c.merchant AND k.key = c.key
WHERE NOT EXISTS (SELECT 1 FROM taken t WHERE t.merchant_id = c.merchant AND t.key = c.key)`;

const READ = `SELECT false AS taken, ${COLUMNS}
FROM idempotency_keys WHERE merchant_id = $1 AND key = $2`;
