import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBounded } from '../../src/domain/run-bounded.ts';
import { createMemoryStore } from '../../src/domain/state-store.ts';
import { nexmarkCatalog } from '../../src/nexmark/catalog.ts';
import { nexmarkEvents } from '../../src/nexmark/generator.ts';
import { nexmarkBoundedInputs } from '../../src/nexmark/messages.ts';
import { nexmarkQuery } from '../../src/nexmark/queries.ts';
import type { NexmarkQuery } from '../../src/nexmark/queries.ts';
import { BATCH_SQL, nexmarkOracle } from '../support/nexmark-duckdb.ts';
import type { NexmarkOracle } from '../support/nexmark-duckdb.ts';

// 40,000 events at 500 events/s: 80 s of event time, about 40 tumbling and hopping windows.
const EVENTS = [...nexmarkEvents(40_000, { eventsPerSecond: 500, baseTime: 1_700_000_000_000 })];
const OPTIONS = { allowedLatenessMs: 0, outOfOrdernessMs: 0, idleTimeoutMs: 60_000 };

let oracle: NexmarkOracle;

beforeAll(async () => {
  oracle = await nexmarkOracle(EVENTS);
});

afterAll(async () => {
  await oracle.close();
});

const canonical = (rows: Record<string, unknown>[]) =>
  rows.map((row) => JSON.stringify(Object.entries(row))).sort();

describe('Nexmark queries agree with DuckDB on the same generated events', () => {
  it.each(Object.keys(BATCH_SQL) as NexmarkQuery[])('%s', async (query) => {
    const plan = nexmarkQuery(query, nexmarkCatalog(), OPTIONS);
    const engine = runBounded(plan, nexmarkBoundedInputs(EVENTS), createMemoryStore());
    // q4 emits an updated average per category as each auction closes: the last one counts.
    if (query === 'q4')
      engine.results = [...new Map(engine.results.map((r) => [r.category, r])).values()];
    expect(engine.poison).toEqual([]);
    expect(engine.results.length).toBeGreaterThan(0);
    expect(canonical(engine.results)).toEqual(canonical(await oracle.answer(query)));
  });
});
