import { Partitioners } from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';

/** Names the task an input topic-partition belongs to; a task has one transactional id. */
export type TaskOf = (topic: string, partition: number) => string;

/** Every input topic-partition is a task of its own. */
export const taskPerTopicPartition: TaskOf = (topic, partition) => `${topic}-${partition}`;

/** Co-partitioned inputs: partition p of every input topic is one task (a stream and its table). */
export const taskPerPartition: TaskOf = (_topic, partition) => `task-${partition}`;

export interface TransactionalProducerPool {
  get(topic: string, partition: number): Promise<Producer>;
  discard(topic: string, partition: number): Promise<void>;
  closeAll(): Promise<void>;
}

/**
 * One transactional producer per task, `<prefix>-<task>` (kafkajs predates KIP-447). Opening
 * one calls InitProducerId, which aborts the open transaction of a dead predecessor holding the
 * same id and fences it, should it still be alive: on every topic of the task at once.
 */
export function createTransactionalProducerPool(
  kafka: Kafka,
  prefix: string,
  taskOf: TaskOf = taskPerTopicPartition,
): TransactionalProducerPool {
  const pool = new Map<string, Promise<Producer>>();
  const idOf = (topic: string, partition: number) => `${prefix}-${taskOf(topic, partition)}`;
  const open = async (transactionalId: string): Promise<Producer> => {
    const producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      // kafkajs sends the transactional InitProducerId on the first transaction, not on
      // connect; an empty one (its abort sends nothing) is Java's initTransactions().
      await (await producer.transaction()).abort();
    } catch (error) {
      await producer.disconnect();
      throw error;
    }
    return producer;
  };
  const close = async (id: string): Promise<void> => {
    const pending = pool.get(id);
    pool.delete(id);
    await (await pending?.catch(() => undefined))?.disconnect();
  };
  return {
    get(topic, partition) {
      const id = idOf(topic, partition);
      let pending = pool.get(id);
      if (pending === undefined) {
        // A failed connect must not stay cached: the next chunk tries afresh.
        pending = open(id).catch((error: unknown) => {
          pool.delete(id);
          throw error;
        });
        pool.set(id, pending);
      }
      return pending;
    },
    discard: (topic, partition) => close(idOf(topic, partition)),
    async closeAll() {
      await Promise.all([...pool.keys()].map(close));
    },
  };
}
