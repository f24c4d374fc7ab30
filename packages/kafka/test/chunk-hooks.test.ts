import { beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { eventually, uniqueName } from '@scale-models/testkit';
import { readToEnd, runExactlyOncePipeline } from '../src/index.ts';
import { createTopic, testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

describe('exactly-once pipeline chunk hooks', () => {
  it('commits flushChunk outputs with their chunk, reports commits, aborts and assignments', async () => {
    const input = await createTopic(kafka, 'hooks_in', 2);
    const output = await createTopic(kafka, 'hooks_out', 2);
    // Idempotent: kafkajs retries a failed request whole, so a plain producer may write a
    // partition the broker had already appended twice (NOT_LEADER on a topic just created).
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: input,
      messages: Array.from({ length: 20 }, (_, n) => ({ partition: n % 2, value: String(n) })),
    });
    await producer.disconnect();

    const ends: boolean[] = [];
    const flushedOffsets: string[] = [];
    const assignments: Record<string, number[]>[] = [];
    let failedOnce = false;
    const seen = new Map<number, number>();
    const pipeline = await runExactlyOncePipeline({
      kafka,
      groupId: uniqueName('hooks_group'),
      inputTopics: [input],
      transactionalIdPrefix: uniqueName('hooks_txn'),
      maxMessagesPerTransaction: 5,
      transform: (message) => {
        // One failure mid-chunk: the chunk aborts and is consumed again.
        if (message.value?.toString() === '7' && !failedOnce) {
          failedOnce = true;
          throw new Error('transient');
        }
        seen.set(message.partition, (seen.get(message.partition) ?? 0) + 1);
        return [];
      },
      flushChunk: (_topic, partition) => [
        { topic: output, key: String(partition), value: `chunk of ${seen.get(partition) ?? 0}` },
      ],
      onChunkEnd: (_topic, _partition, committed, written) => {
        ends.push(committed);
        flushedOffsets.push(...written.map((meta) => `${meta.partition}@${meta.baseOffset}`));
      },
      onAssignment: (assignment) => void assignments.push(assignment),
    });
    try {
      await eventually(() => expect(ends.filter(Boolean)).toHaveLength(4), { timeoutMs: 30_000 });
    } finally {
      await pipeline.stop();
    }
    expect(ends.filter((committed) => !committed)).toHaveLength(1);
    expect(assignments.at(-1)?.[input]?.sort()).toEqual([0, 1]);
    // One flushed record per committed chunk; the aborted chunk's flush never shows.
    const flushed = await readToEnd(kafka, output);
    expect(flushed).toHaveLength(4);
    // Committed chunks say where their outputs landed: the offsets a reader finds them at.
    expect(flushedOffsets.sort()).toEqual(
      flushed.map((message) => `${message.partition}@${message.offset}`).sort(),
    );
  });
});
