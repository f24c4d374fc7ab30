import type pg from 'pg';
import { withTransaction } from '@scale-models/postgres';
import { blockingKeys } from '../domain/matching/blocking.ts';
import type { MatchModel } from '../domain/matching/fellegi-sunter.ts';
import type { LinkageResult, PairResult } from '../domain/matching/link-records.ts';
import type { MatchRecord } from '../domain/matching/match-record.ts';
import { prepareRecord } from '../domain/matching/prepare-record.ts';

/** Imported CRM records, their blocking keys, the trained model and the review band, in PostgreSQL. */
export interface MatchStore {
  saveBatch(records: MatchRecord[], result: LinkageResult): Promise<void>;
  saveRecord(record: MatchRecord, reviews: PairResult[]): Promise<void>;
  latestModel(): Promise<MatchModel | undefined>;
  /** Stored records sharing a blocking key with this one. */
  candidatesFor(record: MatchRecord): Promise<MatchRecord[]>;
  openReviews(limit: number): Promise<PairResult[]>;
  decideReview(
    a: string,
    b: string,
    decision: 'accepted' | 'rejected',
  ): Promise<PairResult | undefined>;
  recordsById(ids: string[]): Promise<MatchRecord[]>;
}

export function createMatchStore(pool: pg.Pool, defaultCountry: string): MatchStore {
  const keysOf = (record: MatchRecord) => blockingKeys(prepareRecord(record, defaultCountry));

  async function insertRecords(client: pg.ClientBase, records: MatchRecord[]) {
    await client.query(
      `INSERT INTO match_records (id, record) SELECT * FROM unnest($1::text[], $2::jsonb[])
       ON CONFLICT (id) DO UPDATE SET record = excluded.record, imported_at = now()`,
      [records.map((r) => r.id), records.map((r) => JSON.stringify(r))],
    );
    const keys = records.flatMap((record) =>
      keysOf(record).map((key) => [key, record.id] as const),
    );
    await client.query(
      `INSERT INTO match_blocking_keys (key, record_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
      [keys.map(([key]) => key), keys.map(([, id]) => id)],
    );
  }

  async function insertReviews(client: pg.ClientBase, reviews: PairResult[]) {
    for (const review of reviews) {
      await client.query(
        `INSERT INTO match_reviews (a, b, probability, weight, fields) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (a, b) DO UPDATE SET probability = excluded.probability, weight = excluded.weight, fields = excluded.fields`,
        [review.a, review.b, review.probability, review.weight, JSON.stringify(review.fields)],
      );
    }
  }

  return {
    saveBatch: (records, result) =>
      withTransaction(pool, async (client) => {
        await insertRecords(client, records);
        await insertReviews(client, result.reviews);
        await client.query(
          'INSERT INTO match_models (model, records, comparisons) VALUES ($1, $2, $3)',
          [result.model, records.length, result.comparisons],
        );
      }),
    saveRecord: (record, reviews) =>
      withTransaction(pool, async (client) => {
        await insertRecords(client, [record]);
        await insertReviews(client, reviews);
      }),
    async latestModel() {
      const { rows } = await pool.query<{ model: MatchModel }>(
        'SELECT model FROM match_models ORDER BY id DESC LIMIT 1',
      );
      return rows[0]?.model;
    },
    async candidatesFor(record) {
      const { rows } = await pool.query<{ record: MatchRecord }>(
        `SELECT DISTINCT r.id, r.record FROM match_blocking_keys k JOIN match_records r ON r.id = k.record_id
          WHERE k.key = ANY($1::text[]) AND r.id <> $2 LIMIT 1000`,
        [keysOf(record), record.id],
      );
      return rows.map((row) => row.record);
    },
    async recordsById(ids) {
      const { rows } = await pool.query<{ record: MatchRecord }>(
        'SELECT record FROM match_records WHERE id = ANY($1::text[])',
        [ids],
      );
      return rows.map((row) => row.record);
    },
    async openReviews(limit) {
      const { rows } = await pool.query<{
        a: string;
        b: string;
        probability: number;
        weight: number;
        fields: PairResult['fields'];
      }>(
        `SELECT a, b, probability, weight, fields FROM match_reviews WHERE status = 'open'
          ORDER BY probability DESC LIMIT $1`,
        [limit],
      );
      return rows.map((row) => ({ ...row, decision: 'review' }));
    },
    async decideReview(a, b, decision) {
      const { rows } = await pool.query<{
        probability: number;
        weight: number;
        fields: PairResult['fields'];
      }>(
        `UPDATE match_reviews SET status = $3 WHERE a = $1 AND b = $2 AND status = 'open'
         RETURNING probability, weight, fields`,
        [a, b, decision],
      );
      const row = rows[0];
      return row === undefined
        ? undefined
        : { a, b, decision: decision === 'accepted' ? 'match' : 'non-match', ...row };
    },
  };
}
