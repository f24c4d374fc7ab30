import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBounded } from '../../src/domain/run-bounded.ts';
import { createMemoryStore } from '../../src/domain/state-store.ts';
import { nexmarkCatalog } from '../../src/nexmark/catalog.ts';
import { nexmarkEvents } from '../../src/nexmark/generator.ts';
import { nexmarkQuery } from '../../src/nexmark/queries.ts';
import type { NexmarkQuery } from '../../src/nexmark/queries.ts';

// 40,000 events at 500 events/s: 80 s of event time, about 40 tumbling and hopping windows.
const EVENTS = [...nexmarkEvents(40_000, { eventsPerSecond: 500, baseTime: 1_700_000_000_000 })];
const OPTIONS = { allowedLatenessMs: 0, outOfOrdernessMs: 0, idleTimeoutMs: 60_000 };

// The same questions asked of DuckDB over the same events: the independent answer.
const BATCH_SQL: Record<NexmarkQuery, string> = {
  q0: 'SELECT auction, bidder, price, dateTime, extra FROM bid',
  q1: 'SELECT auction, bidder, 0.908::DOUBLE * price AS price, dateTime, extra FROM bid',
  q2: 'SELECT auction, price FROM bid WHERE auction % 123 = 0',
  // A stream-table join sees the person only if it arrived before the auction.
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

let folder: string;
let duckdb: DuckDBConnection;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'nexmark-'));
  const file = join(folder, 'events.jsonl');
  await writeFile(file, EVENTS.map((event) => JSON.stringify(event)).join('\n'));
  duckdb = await (await DuckDBInstance.create(':memory:')).connect();
  for (const type of ['bid', 'auction', 'person']) {
    await duckdb.run(
      `CREATE TABLE ${type} AS SELECT * EXCLUDE (type) FROM read_json_auto('${file}', sample_size = -1) WHERE type = '${type}'`,
    );
  }
});

afterAll(async () => {
  duckdb.closeSync();
  await rm(folder, { recursive: true, force: true });
});

const canonical = (rows: Record<string, unknown>[]) =>
  rows
    .map((row) =>
      JSON.stringify(
        Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
      ),
    )
    .sort();

describe('Nexmark queries agree with DuckDB on the same generated events', () => {
  it.each(Object.keys(BATCH_SQL) as NexmarkQuery[])('%s', async (query) => {
    const plan = nexmarkQuery(query, nexmarkCatalog(), OPTIONS);
    const inputs = EVENTS.map((event) => ({
      source: 'p0',
      key: null,
      value: Buffer.from(JSON.stringify(event)),
    }));
    const engine = runBounded(plan, inputs, createMemoryStore());
    // q4 emits an updated average per category as each auction closes: the last one counts.
    if (query === 'q4')
      engine.results = [...new Map(engine.results.map((r) => [r.category, r])).values()];
    const batch = (await duckdb.runAndReadAll(BATCH_SQL[query])).getRowObjectsJS();
    expect(engine.poison).toEqual([]);
    expect(engine.results.length).toBeGreaterThan(0);
    expect(canonical(engine.results)).toEqual(canonical(batch as Record<string, unknown>[]));
  });
});
