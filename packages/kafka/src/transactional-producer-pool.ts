import { Partitioners } from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';

export interface TransactionalProducerPool {
  get(topic: string, partition: number): Promise<Producer>;
  discard(topic: string, partition: number): Promise<void>;
  closeAll(): Promise<void>;
}

/**
 * One transactional producer per input partition (kafkajs predates KIP-447). Connecting one
 * calls InitProducerId, which aborts the open transaction of a dead predecessor holding the
 * same id and fences it, should it still be alive.
 */
export function createTransactionalProducerPool(
  kafka: Kafka,
  prefix: string,
): TransactionalProducerPool {
  const pool = new Map<string, Promise<Producer>>();
  const open = async (transactionalId: string): Promise<Producer> => {
    const producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return producer;
  };
  const close = async (id: string): Promise<void> => {
    const pending = pool.get(id);
    pool.delete(id);
    await (await pending?.catch(() => undefined))?.disconnect();
  };
  return {
    get(topic, partition) {
      const id = `${prefix}-${topic}-${partition}`;
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
    discard: (topic, partition) => close(`${prefix}-${topic}-${partition}`),
    async closeAll() {
      await Promise.all([...pool.keys()].map(close));
    },
  };
}
