import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { eventually, uniqueName } from '@scale-models/testkit';
import { runExactlyOncePipeline } from '../src/index.ts';
import {
  committedOffsets,
  createTopic,
  endOffsets,
  readTopic,
  startFixture,
  testKafka,
} from './support.ts';

let kafka: Kafka;
let brokers: string[];

beforeAll(async () => {
  ({ kafka, brokers } = await testKafka());
});

async function produceNumbers(topic: string, count: number): Promise<void> {
  // Idempotent: kafkajs retries a failed request whole, so a plain producer may write a
  // partition the broker had already appended twice (NOT_LEADER on a topic just created).
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: count }, (_, n) => ({ key: `k${n % 11}`, value: String(n) })),
  });
  await producer.disconnect();
}

/** Waits until the group has committed every input offset there is. */
async function inputFullyCommitted(groupId: string, topic: string): Promise<void> {
  const ends = await endOffsets(kafka, topic);
  await eventually(
    async () => {
      const committed = await committedOffsets(kafka, groupId, topic);
      for (const [partition, end] of ends) expect(committed.get(partition)).toBe(end);
    },
    { timeoutMs: 45_000, intervalMs: 200 },
  );
}

function expectedOutputs(count: number): number[] {
  return Array.from({ length: count }, (_, n) => [10 * n, 10 * n + 1]).flat();
}

const numbers = (messages: { value: Buffer | null }[]) =>
  messages.map((m) => Number(m.value?.toString())).sort((a, b) => a - b);

describe('exactly-once pipeline', () => {
  it('survives SIGKILL mid-transaction: read_committed sees every output exactly once', async () => {
    const COUNT = 90;
    const input = await createTopic(kafka, 'eos_in', 3);
    const output = await createTopic(kafka, 'eos_out', 3);
    await produceNumbers(input, COUNT);
    const progress = join(mkdtempSync(join(tmpdir(), 'eos-')), 'progress.txt');
    const transformed = () =>
      existsSync(progress) ? readFileSync(progress, 'utf8').split('\n').length - 1 : 0;
    const env = {
      BROKERS: brokers.join(','),
      INPUT: input,
      OUTPUT: output,
      GROUP: uniqueName('eos_group'),
      PREFIX: uniqueName('eos_txn'),
      PROGRESS_FILE: progress,
      CHUNK: '10',
      WORK_MS: '15',
    };

    const doomed = startFixture('pipeline-process', env);
    // Past the first committed chunk and into the second: its outputs are sent, not committed.
    await eventually(() => expect(transformed()).toBeGreaterThanOrEqual(14), { timeoutMs: 30_000 });
    doomed.process.kill('SIGKILL');
    await doomed.exited;
    expect(doomed.process.signalCode).toBe('SIGKILL');
    const transformedBeforeKill = transformed();
    expect(transformedBeforeKill).toBeLessThan(COUNT);

    const restarted = startFixture('pipeline-process', env);
    try {
      await inputFullyCommitted(env.GROUP, input);
    } finally {
      restarted.process.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    }

    // Work was redone (at-least-once processing) ...
    expect(transformed()).toBeGreaterThan(COUNT);
    // ... yet its effect on Kafka happened once.
    expect(numbers(await readTopic(kafka, output))).toEqual(expectedOutputs(COUNT));
    // The aborted transaction's records are in the log: only read_uncommitted sees them.
    const uncommitted = await readTopic(kafka, output, { readUncommitted: true });
    expect(uncommitted.length).toBeGreaterThan(2 * COUNT);
  });

  it('aborts a failing chunk and re-consumes it from the last committed offset', async () => {
    const COUNT = 30;
    const input = await createTopic(kafka, 'eos_retry_in', 1);
    const output = await createTopic(kafka, 'eos_retry_out', 1);
    await produceNumbers(input, COUNT);
    const groupId = uniqueName('eos_retry_group');
    let failures = 0;
    const pipeline = await runExactlyOncePipeline({
      kafka,
      groupId,
      inputTopics: [input],
      transactionalIdPrefix: uniqueName('eos_retry'),
      maxMessagesPerTransaction: 8,
      maxWaitTimeMs: 200,
      transform: ({ value }) => {
        const n = Number(value?.toString());
        // Fails once in the middle of the second chunk, after 12 and 13 were sent in it.
        if (n === 14 && failures === 0) {
          failures += 1;
          throw new Error('transient failure');
        }
        return [10 * n, 10 * n + 1].map((out) => ({ topic: output, value: String(out) }));
      },
    });
    try {
      await inputFullyCommitted(groupId, input);
    } finally {
      await pipeline.stop();
    }
    expect(failures).toBe(1);
    expect(numbers(await readTopic(kafka, output))).toEqual(expectedOutputs(COUNT));
    const uncommitted = await readTopic(kafka, output, { readUncommitted: true });
    expect(uncommitted.length).toBe(2 * COUNT + 2 * 6); // 8..13 were sent twice
  });
});
