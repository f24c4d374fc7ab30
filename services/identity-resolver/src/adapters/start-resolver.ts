import { runConsumer } from '@scale-models/kafka';
import { createOutboxRelay } from '@scale-models/postgres';
import type { Logger } from 'pino';
import type { Stores } from './open-stores.ts';
import { resolveEvent } from './resolve-event.ts';
import { createSegmentClock } from './segment-clock.ts';

export interface ResolverOptions {
  groupId: string;
  sweepIntervalMs: number;
  /** How often the segment clock looks for expired windows. */
  segmentClockMs: number;
  /** Partitions applied in parallel; identifier locks keep concurrent events of one person apart. */
  partitionsConcurrently: number;
  logger?: Pick<Logger, 'debug'>;
}

/**
 * The resolver: consumes the event topic (at least once), applies each event in one
 * transaction, projects the profiles it touched; an outbox relay publishes segment changes, a
 * sweeper projects whatever a crash left queued and the segment clock expires windows.
 */
export async function startResolver(stores: Stores, options: ResolverOptions) {
  const relay = createOutboxRelay({
    pool: stores.pool,
    producer: stores.producer,
    pollIntervalMs: 200,
  });
  relay.start();
  stores.projector.start(options.sweepIntervalMs);
  const clock = createSegmentClock({
    pool: stores.pool,
    contracts: stores.contracts,
    projector: stores.projector,
  });
  clock.start(options.segmentClockMs);
  const consumer = await runConsumer({
    kafka: stores.kafka,
    groupId: options.groupId,
    topics: [stores.contracts.eventReceived.topic],
    retry: { attempts: 5, backoffMs: 200 },
    maxWaitTimeMs: 200,
    partitionsConcurrently: options.partitionsConcurrently,
    handle: async (message) => {
      const { data } = stores.contracts.eventReceived.decode(message.value);
      const outcome = await resolveEvent(stores.pool, stores.settings, data);
      if (outcome.status === 'resolved') await stores.projector.project(outcome.touched);
      else
        options.logger?.debug(
          { status: outcome.status, messageId: data.messageId },
          'event not applied',
        );
    },
  });
  return {
    async stop() {
      await consumer.stop();
      await clock.stop();
      await relay.stop();
      await stores.projector.stop();
    },
  };
}
