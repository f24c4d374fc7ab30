import type { Kafka } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, uniqueName } from '@scale-models/testkit';
import { runExactlyOncePipeline } from '../src/index.ts';
import {
  createTransactionalProducerPool,
  taskPerPartition,
} from '../src/transactional-producer-pool.ts';
import { committedOffsets, createTopic, readTopic, testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

async function produce(topic: string, values: string[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
}

/** A promise and the function that settles it, for holding a transform mid-transaction. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('co-partitioned inputs: one transactional id per task', () => {
  // A stream-table task reads partition p of two topics. Its new owner starts the task on
  // whichever topic brings the first batch; the predecessor must then be fenced on the other
  // one too, or it could commit there while the new owner restores.
  it.each([
    ['stream', 'table'],
    ['table', 'stream'],
  ] as const)(
    'a new owner that starts the task on the %s topic fences the predecessor on the %s topic',
    async (startedOn, heldOn) => {
      const topics = {
        stream: await createTopic(kafka, 'task_stream', 1),
        table: await createTopic(kafka, 'task_table', 1),
      };
      const output = await createTopic(kafka, 'task_out', 1);
      const prefix = uniqueName('task_txn');
      const groupId = uniqueName('task_group');
      const held = gate();
      const release = gate();
      const ends: string[] = [];
      let holding = true;
      // The predecessor: mid-chunk on `heldOn`, 'before' already sent in its open transaction.
      const predecessor = await runExactlyOncePipeline({
        kafka,
        groupId,
        inputTopics: [topics.stream, topics.table],
        transactionalIdPrefix: prefix,
        copartitioned: true,
        maxWaitTimeMs: 200,
        transform: async ({ topic, value }) => {
          if (value?.toString() === 'hold' && holding) {
            holding = false;
            held.open();
            await release.opened;
          }
          return [{ topic: output, value: `${topic}:${value?.toString()}` }];
        },
        onChunkEnd: (topic, _partition, committed) => void ends.push(`${topic}:${committed}`),
      });
      const heldTopic = topics[heldOn];
      const newOwner = createTransactionalProducerPool(kafka, prefix, taskPerPartition);
      try {
        await produce(heldTopic, ['before', 'hold']);
        await held.opened;
        // What a new owner's pipeline does first on its first batch: open the task's producer.
        await newOwner.get(topics[startedOn], 0);
        release.open();
        await eventually(() => expect(ends).toContain(`${heldTopic}:false`), {
          timeoutMs: 30_000,
        });
        // The predecessor consumes the chunk again with a fresh producer (it is still in the
        // group here) and commits it once.
        await eventually(
          async () => expect((await committedOffsets(kafka, groupId, heldTopic)).get(0)).toBe(2n),
          { timeoutMs: 30_000 },
        );
      } finally {
        await predecessor.stop();
        await newOwner.closeAll();
      }
      expect(ends[0]).toBe(`${heldTopic}:false`);
      const committed = (await readTopic(kafka, output)).map((m) => m.value?.toString());
      expect(committed).toEqual([`${heldTopic}:before`, `${heldTopic}:hold`]);
      // The fenced attempt's 'before' is in the log, aborted: only read_uncommitted sees it.
      const all = await readTopic(kafka, output, { readUncommitted: true });
      expect(all.map((m) => m.value?.toString())).toEqual([
        `${heldTopic}:before`,
        `${heldTopic}:before`,
        `${heldTopic}:hold`,
      ]);
    },
  );
});
