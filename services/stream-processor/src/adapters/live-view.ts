import { EventEmitter } from 'node:events';
import { parseCloudEvent, runConsumer } from '@scale-models/kafka';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';

export interface ViewUpdate {
  id: string;
  row: Record<string, unknown>;
}

export interface LiveView {
  rows(): Promise<ViewUpdate[]>;
  /** Calls `listener` for each committed result from now on; returns the unsubscribe. */
  subscribe(listener: (update: ViewUpdate) => void): () => void;
  stop(): Promise<void>;
}

/**
 * The serving side of a query: reads its result topic with read_committed (so only results of
 * committed transactions), keeps the latest row per result id in a Redis hash for pull
 * queries and pushes each one to subscribers. Upserts by id: replaying is harmless.
 */
export async function startLiveView(options: {
  kafka: Kafka;
  redis: Redis;
  query: string;
  topic: string;
  groupId: string;
}): Promise<LiveView> {
  const key = `view:${options.query}`;
  const updates = new EventEmitter();
  const consumer = await runConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    retry: { attempts: 3, backoffMs: 200 },
    handle: async (message) => {
      const event = parseCloudEvent(message.value);
      const update = { id: event.id, row: event.data as Record<string, unknown> };
      await options.redis.hset(key, update.id, JSON.stringify(update.row));
      updates.emit('update', update);
    },
  });
  return {
    async rows() {
      const all = await options.redis.hgetall(key);
      return Object.entries(all).map(([id, row]) => ({
        id,
        row: JSON.parse(row) as Record<string, unknown>,
      }));
    },
    subscribe(listener) {
      updates.on('update', listener);
      return () => updates.off('update', listener);
    },
    stop: () => consumer.stop(),
  };
}
