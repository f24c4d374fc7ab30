import { Writable } from 'node:stream';
import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasePerson } from '../src/adapters/erase-person.ts';
import { resolveEvent } from '../src/adapters/resolve-event.ts';
import { appFromStores } from '../src/app-from-stores.ts';
import type { ReceivedEvent } from '../src/domain/tracking/tracking-message.ts';
import { createHarness } from './support/harness.ts';
import type { Harness } from './support/harness.ts';
import { readAll } from './support/kafka-helpers.ts';
import { sendBatch } from './support/send.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
  await harness.startResolver();
});
afterAll(() => harness.close());

const lookup = (identifier: string) =>
  harness.app.inject({
    url: `/v1/profiles/${encodeURIComponent(identifier)}`,
    headers: harness.admin,
  });

async function profileIdOf(identifier: string): Promise<string> {
  return eventually(
    async () => {
      const response = await lookup(identifier);
      expect(response.statusCode).toBe(200);
      return response.json<{ profileId: string }>().profileId;
    },
    { timeoutMs: 20_000 },
  );
}

async function rowsAbout(values: string[]): Promise<number> {
  const { rows } = await harness.stores.pool.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM identities WHERE value = ANY($1))
          + (SELECT count(*) FROM identity_edges WHERE a_value = ANY($1) OR b_value = ANY($1))
          + (SELECT count(*) FROM identifier_conflicts WHERE value = ANY($1)) AS n`,
    [values],
  );
  return Number(rows[0]!.n);
}

const erase = (identifier: string) =>
  harness.app.inject({
    method: 'POST',
    url: '/v1/erasures',
    headers: harness.admin,
    payload: { identifier },
  });

/** A call of someone else, applied after everything sent before it on its partition. */
async function drain(tag: string) {
  await sendBatch(
    harness.app,
    [0, 1, 2, 3, 4, 5].map((i) => ({
      type: 'track',
      userId: `marker-${tag}-${i}`,
      event: 'Marker',
    })),
  );
  for (let i = 0; i < 6; i++) await profileIdOf(`user_id:marker-${tag}-${i}`);
}

describe('GDPR erasure', () => {
  it('deletes the person from PostgreSQL, Redis and the compacted topic, and suppresses re-ingestion', async () => {
    await harness.app.inject({
      method: 'PUT',
      url: '/v1/segments/pro-users',
      headers: harness.admin,
      payload: {
        name: 'Pro',
        rule: { match: 'all', conditions: [{ field: 'traits.plan', op: 'eq', value: 'pro' }] },
      },
    });
    await sendBatch(harness.app, [
      { type: 'page', anonymousId: 'fay-laptop' },
      {
        type: 'identify',
        anonymousId: 'fay-laptop',
        userId: 'fay',
        traits: { email: 'fay@example.com', plan: 'pro' },
        context: { consent: { categoryPreferences: { Advertising: true } } },
      },
    ]);
    const profileId = await eventually(
      async () => {
        const response = await lookup('email:fay@example.com');
        expect(response.json<{ segments: string[] }>().segments).toEqual(['pro-users']);
        expect(response.json<{ computed: { eventCount: number } }>().computed.eventCount).toBe(2);
        return response.json<{ profileId: string }>().profileId;
      },
      { timeoutMs: 20_000 },
    );

    const receipt = await erase('email:FAY@example.com');
    expect(receipt.statusCode).toBe(201);
    expect(receipt.json()).toMatchObject({ profiles: 1, identities: 3, events: 2 });

    expect((await lookup('user_id:fay')).statusCode).toBe(404);
    expect(await harness.stores.cache.lookup('anonymous_id', 'fay-laptop')).toBeUndefined();
    expect(await rowsAbout(['fay', 'fay@example.com', 'fay-laptop'])).toBe(0);
    const { rows } = await harness.stores.pool.query('SELECT 1 FROM events WHERE profile_id = $1', [
      profileId,
    ]);
    expect(rows).toHaveLength(0);

    const { kafka, contracts } = harness.stores;
    const snapshots = (
      await readAll(kafka, contracts.profileSnapshot.topic, `${harness.config.CONSUMER_GROUP}-snap`)
    ).filter((r) => r.key === profileId);
    expect(snapshots.at(-1)?.value).toBeNull(); // the tombstone
    await eventually(async () => {
      const exits = await readAll(
        kafka,
        contracts.segmentExited.topic,
        `${harness.config.CONSUMER_GROUP}-exit-${Date.now()}`,
      );
      expect(exits.map((r) => r.key)).toContain(profileId);
    });

    // The same person comes back through any of the erased identifiers: nothing is rebuilt.
    await sendBatch(harness.app, [
      { type: 'identify', userId: 'fay', traits: { plan: 'pro' } },
      { type: 'track', anonymousId: 'fay-laptop', event: 'Back Again' },
      { type: 'identify', userId: 'someone-new', traits: { email: 'fay@example.com' } },
    ]);
    await drain('after-erasure');
    expect((await lookup('user_id:fay')).statusCode).toBe(404);
    expect(await rowsAbout(['fay', 'fay@example.com', 'fay-laptop'])).toBe(0);
    expect((await lookup('user_id:someone-new')).statusCode).toBe(404);
  });

  it('erasure racing with new events of the same person: the erased identifiers never reappear', async () => {
    const values = ['gus', 'gus@example.com'];
    await sendBatch(harness.app, [
      { type: 'identify', userId: 'gus', traits: { email: 'gus@example.com' } },
    ]);
    await profileIdOf('user_id:gus');
    const stream = (async () => {
      for (let round = 0; round < 15; round++) {
        await sendBatch(harness.app, [
          { type: 'track', userId: 'gus', event: 'Click', properties: { round } },
          {
            type: 'identify',
            anonymousId: `gus-device-${round}`,
            traits: { email: 'gus@example.com' },
          },
        ]);
      }
    })();
    // Erase while the stream is being applied.
    await eventually(
      async () => {
        const { rows } = await harness.stores.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM events WHERE name = 'Click'",
        );
        expect(rows[0]!.n).toBeGreaterThan(2);
      },
      { timeoutMs: 20_000, intervalMs: 10 },
    );
    expect((await erase('user_id:gus')).statusCode).toBe(201);
    await stream;
    await drain('after-race');
    expect(await rowsAbout(values)).toBe(0);
    expect((await lookup('email:gus@example.com')).statusCode).toBe(404);
    expect(await harness.stores.cache.lookup('user_id', 'gus')).toBeUndefined();
  });

  it('transactions racing on separate connections: every interleaving ends with nothing of the person', async () => {
    const { pool, settings, contracts } = harness.stores;
    const call = (
      userId: string,
      i: number,
      extra: Partial<ReceivedEvent> = {},
    ): ReceivedEvent => ({
      type: 'identify',
      messageId: `race-${userId}-${i}`,
      source: 'web',
      userId,
      anonymousId: `${userId}-device-${i}`,
      receivedAt: new Date().toISOString(),
      timestamp: new Date().toISOString(),
      ...extra,
    });
    for (let person = 0; person < 12; person++) {
      const userId = `racer-${person}`;
      await resolveEvent(
        pool,
        settings,
        call(userId, 0, { traits: { email: `${userId}@example.com` } }),
      );
      await Promise.all([
        resolveEvent(pool, settings, call(userId, 1)),
        erasePerson(pool, contracts, { type: 'user_id', value: userId }),
        resolveEvent(pool, settings, {
          ...call(userId, 2),
          userId: undefined,
          traits: { email: `${userId}@example.com` },
        }),
        resolveEvent(pool, settings, call(userId, 3)),
      ]);
      expect(
        await rowsAbout([
          userId,
          `${userId}@example.com`,
          `${userId}-device-0`,
          `${userId}-device-1`,
          `${userId}-device-3`,
        ]),
      ).toBe(0);
    }
  });
});

describe('personal data in logs', () => {
  it('access logs of profile routes show the route, never the email or phone in the URL', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = appFromStores(harness.stores, harness.config, harness.stats, {
      level: 'info',
      stream,
    });
    try {
      for (const url of [
        '/v1/profiles/email:Kim.Private@example.org',
        '/v1/profiles/phone:+14155550199/audit',
      ])
        await app.inject({ url, headers: harness.admin });
    } finally {
      await app.close();
    }
    const log = lines.join('');
    expect(log).toContain('/v1/profiles/:identifier');
    expect(log).not.toMatch(/kim\.private|4155550199/i);
  });
});
