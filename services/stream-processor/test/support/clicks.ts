// Click events for the Kafka claim tests: per partition in a known order, with out-of-order
// events inside the allowed lateness, events beyond it, poison, and a last event per
// partition far ahead so every earlier window closes.
import { createMemoryStore } from '../../src/domain/state-store.ts';
import { createTask } from '../../src/domain/task.ts';
import type { QueryPlan } from '../../src/domain/query-plan.ts';

export const QUERY_OPTIONS = {
  allowedLatenessMs: 2_000,
  outOfOrdernessMs: 1_000,
  idleTimeoutMs: 1e12,
};

export const PAGE_VIEWS_SQL = `CREATE STREAM page_views AS
SELECT user, COUNT(*) AS views, SUM(amount) AS total, COUNT(DISTINCT page) AS pages, window_start, window_end
FROM clicks
GROUP BY user, TUMBLE(ts, INTERVAL '10' SECOND)
EMIT FINAL`;

export interface ClickMessage {
  partition: number;
  key: string;
  value: string;
}

const BASE = 1_700_000_000_000;
export const POISON = [
  'not json',
  '{"user":"u1","page":"/"}',
  '{"user":5,"page":"/","amount":1,"ts":1700000000000}',
];

/** `perPartition` clicks on each of `partitions` partitions; users u<i> live on partition i % n. */
export function clickMessages(partitions: number, perPartition: number, seed = 1): ClickMessage[] {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const messages: ClickMessage[] = [];
  for (let partition = 0; partition < partitions; partition += 1) {
    for (let j = 0; j < perPartition; j += 1) {
      const user = `u${partition + partitions * Math.floor(random() * 4)}`;
      const ts = BASE + j * 250 - Math.floor(random() * 800);
      const click = {
        user,
        page: `/p${Math.floor(random() * 5)}`,
        country: 'NL',
        amount: 1 + Math.floor(random() * 9),
        ts,
      };
      messages.push({ partition, key: user, value: JSON.stringify(click) });
      // Now and then a click from long ago, beyond the allowed lateness: late output.
      if (j % 97 === 96)
        messages.push({
          partition,
          key: user,
          value: JSON.stringify({ ...click, ts: BASE + j * 250 - 30_000 }),
        });
      if (j === 50)
        messages.push({ partition, key: user, value: POISON[partition % POISON.length]! });
    }
    const closer = {
      user: `u${partition}`,
      page: '/',
      country: 'NL',
      amount: 0,
      ts: BASE + perPartition * 250 + 600_000,
    };
    messages.push({ partition, key: closer.user, value: JSON.stringify(closer) });
  }
  return messages;
}

/** The uninterrupted run: each partition's task over its events in order, in memory. */
export function expectedOutputs(plan: QueryPlan, messages: ClickMessage[]) {
  const results: unknown[] = [];
  const late: unknown[] = [];
  const tasks = new Map<number, ReturnType<typeof createTask>>();
  for (const message of messages) {
    let record;
    try {
      record = plan.decode(Buffer.from(message.value), message.key);
    } catch {
      continue;
    }
    if (record === null) continue;
    let task = tasks.get(message.partition);
    if (task === undefined)
      tasks.set(message.partition, (task = createTask(plan, createMemoryStore())));
    for (const output of task.process(`p${message.partition}`, record, 0)) {
      if (output.kind === 'result') results.push(output.record.row);
      else late.push(output.record.row);
    }
  }
  return { results, late };
}

export const canonical = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();
