import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishEvents } from '../src/adapters/publish-events.ts';
import { createHarness } from './support/harness.ts';
import type { Harness } from './support/harness.ts';
import { countEvents, summariseProfiles } from './support/summarise-profiles.ts';
import { syntheticJourneys } from './support/synthetic-journeys.ts';

const PEOPLE = 60;
const events = syntheticJourneys(PEOPLE);
let crashed: Harness;
let clean: Harness;

beforeAll(async () => {
  [crashed, clean] = await Promise.all([createHarness(), createHarness()]);
});
afterAll(async () => {
  await Promise.all([crashed.close(), clean.close()]);
});

function startResolverProcess(harness: Harness): ChildProcess {
  return spawn(process.execPath, ['src/bin/resolver.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, ...harness.env, PORT: '0', PROJECTION_SWEEP_MS: '200' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function committedOffsets(harness: Harness): Promise<number> {
  const admin = harness.stores.kafka.admin();
  await admin.connect();
  try {
    const [topic] = await admin.fetchOffsets({
      groupId: harness.config.CONSUMER_GROUP,
      topics: [harness.stores.contracts.eventReceived.topic],
    });
    return topic!.partitions.reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

it('a resolver SIGKILLed mid-batch and restarted builds the same profiles as one clean delivery', async () => {
  // Clean reference: one uninterrupted delivery.
  await publishEvents(clean.stores.producer, clean.stores.contracts, events);
  await clean.startResolver();
  await eventually(async () => expect(await countEvents(clean.stores.pool)).toBe(events.length), {
    timeoutMs: 60_000,
    intervalMs: 200,
  });

  // The same events, and a resolver process killed while it works through them.
  await publishEvents(crashed.stores.producer, crashed.stores.contracts, events);
  const first = startResolverProcess(crashed);
  await eventually(
    async () =>
      expect(await countEvents(crashed.stores.pool)).toBeGreaterThanOrEqual(events.length / 4),
    { timeoutMs: 60_000, intervalMs: 20 },
  );
  first.kill('SIGKILL');
  await once(first, 'exit');
  const appliedAtKill = await countEvents(crashed.stores.pool);
  expect(appliedAtKill).toBeLessThan(events.length);
  // Offsets lag behind what was applied: the restart redelivers events already in PostgreSQL.
  expect(await committedOffsets(crashed)).toBeLessThan(appliedAtKill);

  const second = startResolverProcess(crashed);
  try {
    await eventually(
      async () => expect(await countEvents(crashed.stores.pool)).toBe(events.length),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    await eventually(async () => expect(await committedOffsets(crashed)).toBe(events.length), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  } finally {
    second.kill('SIGTERM');
    await once(second, 'exit');
  }
  expect(await summariseProfiles(crashed.stores.pool)).toEqual(
    await summariseProfiles(clean.stores.pool),
  );
  expect(await summariseProfiles(crashed.stores.pool)).toHaveLength(PEOPLE);

  // The Redis read side converged too, including profiles whose projection the kill cut off.
  await eventually(async () => {
    const { rows } = await crashed.stores.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM projection_queue',
    );
    expect(rows[0]!.n).toBe(0);
  });
  for (let p = 0; p < PEOPLE; p += 7) {
    const view = await crashed.stores.cache.lookup('email', `customer.${p}@example.com`);
    expect(view?.computed).toMatchObject({
      eventCount: 4,
      orderCount: 1,
      lifetimeValueMinor: { USD: (10 + p) * 100 },
    });
  }
});
