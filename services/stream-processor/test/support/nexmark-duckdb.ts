// The independent answer to the Nexmark queries: the same questions asked of DuckDB over the
// same generated events, as batch SQL.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { NexmarkEvent } from '../../src/nexmark/model.ts';
import type { NexmarkQuery } from '../../src/nexmark/queries.ts';

export const BATCH_SQL: Record<NexmarkQuery, string> = {
  q0: 'SELECT auction, bidder, price, dateTime, extra FROM bid',
  q1: 'SELECT auction, bidder, 0.908::DOUBLE * price AS price, dateTime, extra FROM bid',
  q2: 'SELECT auction, price FROM bid WHERE auction % 123 = 0',
  // The engine's stream-table join is as of event time: an auction meets its seller's row only
  // if the person registered no later than the auction (a few auctions name a person the
  // generator emits later: Nexmark's PERSON_ID_LEAD).
  q3: `SELECT P.name, P.city, P.state, A.id FROM auction A JOIN person P
       ON A.seller = P.id AND P.dateTime <= A.dateTime
       WHERE A.category = 10 AND P.state IN ('OR', 'ID', 'CA')`,
  // Closing price: the highest bid within the auction's lifetime; then the average per category.
  q4: `SELECT category, avg(final) AS avg_price FROM (
         SELECT A.id, A.category, max(B.price) AS final FROM auction A JOIN bid B
         ON A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires GROUP BY A.id, A.category)
       GROUP BY category`,
  q5: `WITH windows AS (
         SELECT auction, unnest(generate_series((dateTime // 2000 + 1) * 2000,
                                                (dateTime // 2000 + 1) * 2000 + 8000, 2000)) AS window_end
         FROM bid),
       counts AS (SELECT auction, window_end, count(*) AS num FROM windows GROUP BY ALL)
       SELECT auction, num, window_end FROM counts c
       WHERE num = (SELECT max(num) FROM counts m WHERE m.window_end = c.window_end)`,
  q7: `SELECT auction, price, bidder, dateTime, (dateTime // 10000 + 1) * 10000 AS window_end FROM bid b
       WHERE price = (SELECT max(price) FROM bid m WHERE m.dateTime // 10000 = b.dateTime // 10000)`,
  q8: `SELECT p.id, p.name, (p.dateTime // 10000) * 10000 AS starttime FROM person p
       WHERE EXISTS (SELECT 1 FROM auction a WHERE a.seller = p.id AND a.dateTime // 10000 = p.dateTime // 10000)`,
};

export interface NexmarkOracle {
  /** DuckDB's rows for the query, numbers as JS numbers. */
  answer(query: NexmarkQuery): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** An in-memory DuckDB holding `events` as the tables bid, auction and person. */
export async function nexmarkOracle(events: NexmarkEvent[]): Promise<NexmarkOracle> {
  const folder = await mkdtemp(join(tmpdir(), 'nexmark-'));
  const file = join(folder, 'events.jsonl');
  await writeFile(file, events.map((event) => JSON.stringify(event)).join('\n'));
  const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
  for (const type of ['bid', 'auction', 'person']) {
    await duckdb.run(
      `CREATE TABLE ${type} AS SELECT * EXCLUDE (type) FROM read_json_auto('${file}', sample_size = -1) WHERE type = '${type}'`,
    );
  }
  return {
    async answer(query) {
      const rows = (await duckdb.runAndReadAll(BATCH_SQL[query])).getRowObjectsJS();
      return rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
        ),
      );
    },
    async close() {
      duckdb.closeSync();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
