// The engine alone, in this process: Nexmark events already encoded as Kafka message values go
// through decode, operators and LMDB-backed state (with its changelog overlay), no Kafka.
// `node bench/engine.ts` (BENCH_EVENTS to change the size).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { openTaskState } from '../src/adapters/lmdb-state.ts';
import { createInputFeeder } from '../src/domain/run-bounded.ts';
import { createTask } from '../src/domain/task.ts';
import { nexmarkCatalog } from '../src/nexmark/catalog.ts';
import { nexmarkEvents } from '../src/nexmark/generator.ts';
import { nexmarkBoundedInputs } from '../src/nexmark/messages.ts';
import { nexmarkQuery } from '../src/nexmark/queries.ts';
import type { NexmarkQuery } from '../src/nexmark/queries.ts';
import { FLINK_PER_CORE, QUERIES } from './peers.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 300_000);
const OPTIONS = { allowedLatenessMs: 0, outOfOrdernessMs: 0, idleTimeoutMs: 60_000 };
// As the generator writes them: persons also as rows of the persons table (q3 joins it).
const inputs = nexmarkBoundedInputs(
  nexmarkEvents(EVENTS, { eventsPerSecond: 10_000, baseTime: 1_700_000_000_000 }),
);

/** Like the Kafka runner: a chunk of 500 inputs, then its state changes commit to LMDB. */
function run(query: NexmarkQuery) {
  const state = openTaskState(join(mkdtempSync(join(tmpdir(), 'sp-bench-')), query));
  const plan = nexmarkQuery(query, nexmarkCatalog(), OPTIONS);
  const task = createTask(plan, state.store);
  const feed = createInputFeeder(plan, task, () => 0);
  let results = 0;
  let changelog = 0;
  const started = process.hrtime.bigint();
  inputs.forEach((input, i) => {
    results += feed(input).length;
    if (i % 500 === 499) {
      changelog += state.pending().length;
      state.commit();
    }
  });
  results += task.endOfInput().length;
  state.commit();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  void state.close();
  return { seconds, results, changelog };
}

const table = new Table({
  head: [
    'query',
    'events',
    'results',
    'changelog records',
    'events/s (1 core)',
    'Flink 1.13 per core',
  ],
});
for (const query of QUERIES) {
  const { seconds, results, changelog } = run(query);
  table.push([
    query,
    EVENTS,
    results,
    changelog,
    Math.round(EVENTS / seconds).toLocaleString('en'),
    FLINK_PER_CORE[query] ?? '-',
  ]);
}
console.log(`engine alone, in process (Node ${process.version}, one thread)`);
console.log(table.toString());
