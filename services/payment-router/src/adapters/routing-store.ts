import { defineScripts, loadLua } from '@scale-models/redis';
import type { Redis } from 'ioredis';
import type {
  BreakerOptions,
  BreakerState,
  OutcomeCounts,
  Segment,
} from '../domain/routing/routing-memory.ts';
import { segmentKey } from '../domain/routing/routing-memory.ts';

export interface RoutingView {
  counts: Map<string, OutcomeCounts>;
  breakers: Map<string, BreakerState>;
}

export interface RoutingStoreOptions {
  /** The PSPs routed to (fixed for the process: the read script takes one key per PSP). */
  psps: readonly string[];
  /** Attempts per segment and PSP the success rates remember. */
  rateWindow: number;
  breaker: BreakerOptions;
}

/**
 * Routing's memory in Redis, shared by every router instance: outcome counts per segment and
 * PSP over a sliding window, and a circuit breaker per PSP. Each read and each update is one
 * Lua call, so concurrent routers never see or write half an update.
 */
export function createRoutingStore(redis: Redis, options: RoutingStoreOptions) {
  const scripts = defineScripts(redis, {
    read: {
      keys: 1 + options.psps.length,
      lua: loadLua('./routing-read.lua', import.meta.url),
      parse: (reply) => reply as [string[], BreakerState[]],
    },
    allow: { keys: 1, lua: loadLua('./breaker-allow.lua', import.meta.url), parse: Number },
    record: { keys: 5, lua: loadLua('./routing-record.lua', import.meta.url) },
  });
  const { breaker, psps } = options;
  const countsKey = (segment: string) => `routing:counts:${segment}`;
  const breakerKey = (psp: string) => `routing:breaker:${psp}`;

  async function read(segment: string, now: number) {
    const [flat, states] = await scripts.read(
      [countsKey(segment), ...psps.map(breakerKey)],
      [now, breaker.openMs],
    );
    return {
      counts: countsOf(flat),
      breakers: new Map(psps.map((psp, i) => [psp, states[i]!])),
    };
  }

  return {
    /** The segment's outcome counts and every PSP's breaker, in one call. */
    view(payment: Segment, now: number): Promise<RoutingView> {
      return read(segmentKey(payment), now);
    },

    /** Claims the one probe call of a half-open breaker (any instance's first caller wins). */
    async allowProbe(psp: string, now: number): Promise<boolean> {
      return (await scripts.allow([breakerKey(psp)], [now, breaker.openMs])) === 1;
    },

    /** `approved` undefined: the outcome says nothing about the PSP's approval rate. */
    async record(
      payment: Segment,
      psp: string,
      outcome: { approved?: boolean; callOk: boolean },
      now: number,
    ): Promise<void> {
      const segment = segmentKey(payment);
      await scripts.record(
        [
          countsKey(segment),
          `routing:window:${segment}:${psp}`,
          breakerKey(psp),
          `routing:calls:${psp}`,
          'routing:segments',
        ],
        [
          psp,
          segment,
          outcome.approved === undefined ? '' : outcome.approved ? '1' : '0',
          outcome.callOk ? '1' : '0',
          now,
          options.rateWindow,
          breaker.window,
          breaker.minimumCalls,
          breaker.failureRate,
          breaker.openMs,
        ],
      );
    },

    /** Every segment's counts and every PSP's breaker, for the operator's stats. */
    async snapshot(now: number) {
      const segments = await redis.smembers('routing:segments');
      const views = await Promise.all(segments.map((segment) => read(segment, now)));
      return {
        breakers: Object.fromEntries(views[0]?.breakers ?? psps.map((psp) => [psp, 'closed'])),
        segments: segments.flatMap((segment, i) =>
          [...views[i]!.counts].map(([psp, counts]) => ({ segment, psp, ...counts })),
        ),
      };
    },
  };
}

export type RoutingStore = ReturnType<typeof createRoutingStore>;

/** HGETALL's flat list of "<psp>:a"/"<psp>:d" and counts, as counts per PSP. */
function countsOf(flat: string[]): Map<string, OutcomeCounts> {
  const counts = new Map<string, OutcomeCounts>();
  for (let i = 0; i < flat.length; i += 2) {
    const field = flat[i]!;
    const psp = field.slice(0, -2);
    const entry = counts.get(psp) ?? { approved: 0, declined: 0 };
    if (field.endsWith(':a')) entry.approved = Number(flat[i + 1]);
    else entry.declined = Number(flat[i + 1]);
    counts.set(psp, entry);
  }
  return counts;
}
