import type pg from 'pg';
import type { Logger } from 'pino';
import { countSegments, listSegments } from '../adapters/metadata/segments.ts';
import type { StorageNodes } from '../data-path/storage-nodes.ts';
import { removeGarbageSegments, removeOrphanShards } from './clean-garbage.ts';
import { healSegment, inspectSegment } from './heal-segment.ts';
import type { StoreMetrics } from './store-metrics.ts';

export interface ScrubberOptions {
  pool: pg.Pool;
  nodes: StorageNodes;
  metrics: StoreMetrics;
  logger: Logger;
  windowBytes: number;
  /** Pause between passes. */
  intervalMs: number;
  /** Age before a shard without a segment row counts as an orphan. */
  orphanGraceMs: number;
}

export interface Scrubber {
  /** One full pass now: verify and heal every segment, then collect garbage. */
  runPass(): Promise<void>;
  start(): void;
  /** Ends the loop after the segment in hand. */
  stop(): Promise<void>;
}

const PAGE = 100;

/**
 * The background healer. Each pass walks every segment, asks each node to verify its shard
 * (every block checksum), rebuilds missing or corrupt shards from the others, and then frees
 * garbage and orphans. A node that was down, a wiped data folder or flipped bits all look
 * the same to it: shards that fail verification.
 */
export function createScrubber(options: ScrubberOptions): Scrubber {
  const { pool, nodes, metrics, logger } = options;
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;

  async function scrubSegments(): Promise<void> {
    metrics.passStarted(await countSegments(pool));
    let after: string | undefined;
    for (;;) {
      const segments = await listSegments(pool, after, PAGE);
      for (const segment of segments) {
        if (stopping.signal.aborted) return;
        const health = await inspectSegment(segment, nodes);
        const healed = await healSegment(health, { nodes, windowBytes: options.windowBytes }).catch(
          (error: unknown) => {
            logger.warn({ err: error, segment: segment.id }, 'healing failed; next pass retries');
            return [];
          },
        );
        if (healed.length > 0) {
          metrics.healed(healed.length);
          logger.info({ segment: segment.id, shards: healed }, 'healed shards');
        }
        metrics.scrubbed({ unreachable: health.states.filter((s) => s === 'unreachable').length });
      }
      if (segments.length < PAGE) return;
      after = segments.at(-1)!.id;
    }
  }

  async function runPass(): Promise<void> {
    await scrubSegments();
    if (stopping.signal.aborted) return;
    metrics.garbageRemoved(await removeGarbageSegments(pool, nodes));
    metrics.orphansRemoved(await removeOrphanShards(pool, nodes, options.orphanGraceMs));
    metrics.passFinished();
  }

  async function run(): Promise<void> {
    while (!stopping.signal.aborted) {
      await runPass().catch((error: unknown) => logger.error({ err: error }, 'scrub pass failed'));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        stopping.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  return {
    runPass,
    start() {
      loop ??= run();
    },
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
