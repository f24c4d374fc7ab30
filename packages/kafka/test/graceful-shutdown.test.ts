import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { eventually, uniqueName } from '@scale-models/testkit';
import { committedOffsets, createTopic, startFixture, testKafka } from './support.ts';

let kafka: Kafka;
let brokers: string[];

beforeAll(async () => {
  ({ kafka, brokers } = await testKafka());
});

const TOTAL = 300;

interface Line {
  id: string;
  partition: number;
  offset: bigint;
}

function processedLines(file: string): Line[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [id = '', partition = '', offset = ''] = line.split(' ');
      return { id, partition: Number(partition), offset: BigInt(offset) };
    });
}

describe('graceful shutdown on SIGTERM', () => {
  it('commits what was processed, so a restart neither repeats nor skips a message', async () => {
    const topic = await createTopic(kafka, 'sigterm', 3);
    const group = uniqueName('sigterm_group');
    const file = join(mkdtempSync(join(tmpdir(), 'sigterm-')), 'processed.txt');
    // Idempotent: kafkajs retries a failed request whole, so a plain producer may write a
    // partition the broker had already appended twice (NOT_LEADER on a topic just created).
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: TOTAL }, (_, i) => ({ key: `k${i % 17}`, value: `m${i}` })),
    });
    await producer.disconnect();
    const env = { BROKERS: brokers.join(','), TOPIC: topic, GROUP: group, OUT_FILE: file };

    const first = startFixture('consumer-process', env);
    await eventually(() => expect(processedLines(file).length).toBeGreaterThanOrEqual(40), {
      timeoutMs: 30_000,
    });
    first.process.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const beforeRestart = processedLines(file);
    expect(beforeRestart.length).toBeLessThan(TOTAL); // really stopped mid-stream
    expect(new Set(beforeRestart.map((l) => l.id)).size).toBe(beforeRestart.length);
    // Every processed message is committed, and only those: per partition, the committed
    // offset is one past the last processed one and equals the count processed there.
    const committed = await committedOffsets(kafka, group, topic);
    for (const [partition, offset] of committed) {
      const lines = beforeRestart.filter((l) => l.partition === partition);
      expect(offset).toBe(lines.length === 0 ? -1n : BigInt(lines.length));
      if (lines.length > 0) expect(offset).toBe(lines.at(-1)!.offset + 1n);
    }

    const second = startFixture('consumer-process', env);
    try {
      await eventually(() => expect(processedLines(file).length).toBeGreaterThanOrEqual(TOTAL), {
        timeoutMs: 30_000,
      });
    } finally {
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    const all = processedLines(file).map((l) => l.id);
    expect(all).toHaveLength(TOTAL);
    expect(new Set(all)).toEqual(new Set(Array.from({ length: TOTAL }, (_, i) => `m${i}`)));
  });
});
