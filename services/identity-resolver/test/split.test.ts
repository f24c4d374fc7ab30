import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

interface View {
  profileId: string;
  identities: { type: string; value: string }[];
  traits: Record<string, { value: unknown }>;
  computed: { eventCount: number };
}

const ids = (view: View) => view.identities.map((i) => `${i.type}:${i.value}`).sort();

/** The profile of an identifier once it matches `check` (lookups poll until it does). */
async function profileOf(identifier: string, check: (view: View) => void = () => {}) {
  return eventually(
    async () => {
      const response = await harness.app.inject({
        url: `/v1/profiles/${encodeURIComponent(identifier)}`,
        headers: harness.admin,
      });
      expect(response.statusCode).toBe(200);
      const view = response.json<View>();
      check(view);
      return { view, source: response.headers['x-profile-source'] };
    },
    { timeoutMs: 20_000 },
  );
}

const split = (payload: Record<string, string>) =>
  harness.app.inject({ method: 'POST', url: '/v1/splits', headers: harness.admin, payload });

/** A shared tablet: `anon` identified with `email`, then `user` logs in on it: one wrong profile. */
async function wronglyMerged(anon: string, email: string, user: string): Promise<View> {
  await sendBatch(harness.app, [
    { type: 'identify', anonymousId: anon, traits: { email, name: 'Cy' } },
  ]);
  await profileOf(`email:${email}`);
  await sendBatch(harness.app, [
    { type: 'identify', anonymousId: anon, userId: user, traits: { plan: 'pro' } },
  ]);
  const { view } = await profileOf(`user_id:${user}`, (v) => expect(ids(v)).toHaveLength(3));
  return view;
}

/** Redis field `identifiers[type:value]` (the client adds the key prefix): where a lookup lands. */
const cachedOwner = (identifier: string) =>
  harness.stores.redis.redis.hget('identifiers', identifier);

async function splitsAudited(profileId: string): Promise<{ reason: string }[]> {
  const { rows } = await harness.stores.pool.query<{ reason: string }>(
    `SELECT reason FROM audit_log WHERE action = 'split' AND profile_id = $1`,
    [profileId],
  );
  return rows;
}

/** Every event sits on the profile of its strongest identifier. */
async function misplacedEvents(): Promise<number> {
  const { rows } = await harness.stores.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM events e
       JOIN identities i ON e.identifier_keys[1] = i.type || ':' || i.value
      WHERE i.profile_id <> e.profile_id`,
  );
  return rows[0]!.n;
}

describe('profile split', () => {
  it('undoes a wrong merge: two profiles, traits from their own events, Redis rewritten, audited', async () => {
    const merged = await wronglyMerged('tablet-1', 'cy@example.com', 'bo');
    const response = await split({
      identifier: 'anonymous_id:tablet-1',
      from: 'user_id:bo',
      reason: 'ticket 42: family tablet, bo and cy are different people',
    });
    expect(response.statusCode).toBe(200);
    const result = response.json<{ split: boolean; profiles: { profileId: string }[] }>();
    expect(result).toMatchObject({ split: true, removedEdges: 1 });
    expect(result.profiles[0]!.profileId).toBe(merged.profileId);

    const bo = await profileOf('user_id:bo');
    expect(bo.source).toBe('cache');
    expect(bo.view.profileId).toBe(merged.profileId);
    expect(ids(bo.view)).toEqual(['user_id:bo']);
    expect(Object.keys(bo.view.traits)).toEqual(['plan']);
    const cy = await profileOf('anonymous_id:tablet-1');
    expect(cy.source).toBe('cache');
    expect(cy.view.profileId).toBe(result.profiles[1]!.profileId);
    expect(ids(cy.view)).toEqual(['anonymous_id:tablet-1', 'email:cy@example.com']);
    expect(cy.view.traits['name']?.value).toBe('Cy');
    expect(cy.view.traits['plan']).toBeUndefined();
    expect(cy.view.computed.eventCount + bo.view.computed.eventCount).toBe(2);

    expect(await cachedOwner('anonymous_id:tablet-1')).toBe(cy.view.profileId);
    expect(await cachedOwner('email:cy@example.com')).toBe(cy.view.profileId);
    expect(await splitsAudited(merged.profileId)).toEqual([
      { reason: 'ticket 42: family tablet, bo and cy are different people' },
    ]);
    expect(await misplacedEvents()).toBe(0);
    // The compacted snapshot topic carries the new profile with the identifiers it took.
    const snapshots = await readAll(
      harness.stores.kafka,
      harness.stores.contracts.profileSnapshot.topic,
      `${harness.config.CONSUMER_GROUP}-snapshots-${Date.now()}`,
    );
    const latest = snapshots.filter((r) => r.key === cy.view.profileId).at(-1);
    expect(JSON.parse(latest!.value!)).toMatchObject({
      data: {
        identities: [
          { type: 'anonymous_id', value: 'tablet-1' },
          { type: 'email', value: 'cy@example.com' },
        ],
      },
    });
  });

  it('a repeated split changes nothing and answers with the same profiles', async () => {
    const merged = await wronglyMerged('tablet-2', 'di@example.com', 'ed');
    const request = { identifier: 'anonymous_id:tablet-2', from: 'user_id:ed', reason: 'wrong' };
    const first = (await split(request)).json<{ profiles: unknown[] }>();
    const again = await split(request);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...first, split: false, removedEdges: 0 });
    expect(await splitsAudited(merged.profileId)).toHaveLength(1);
  });

  it('events racing with the split all end on the part their identifier went to', async () => {
    const merged = await wronglyMerged('tablet-3', 'fay@example.com', 'gil');
    const pages = Array.from({ length: 15 }, (_, i) => ({
      type: 'page',
      anonymousId: 'tablet-3',
      name: `page ${i}`,
    }));
    await sendBatch(harness.app, pages);
    const response = await split({
      identifier: 'anonymous_id:tablet-3',
      from: 'user_id:gil',
      reason: 'shared tablet',
    });
    expect(response.statusCode).toBe(200);
    const fay = await profileOf('email:fay@example.com', (v) =>
      expect(v.computed.eventCount).toBe(16),
    );
    expect(ids(fay.view)).toEqual(['anonymous_id:tablet-3', 'email:fay@example.com']);
    const gil = await profileOf('user_id:gil');
    expect(gil.view.profileId).toBe(merged.profileId);
    expect(gil.view.computed.eventCount).toBe(1);
    expect(await misplacedEvents()).toBe(0);
  });

  it('detaching an identifier from everything leaves it a profile of its own', async () => {
    await sendBatch(harness.app, [
      { type: 'identify', userId: 'hal', anonymousId: 'hal-web', traits: { plan: 'basic' } },
    ]);
    await profileOf('user_id:hal');
    const response = await split({ identifier: 'anonymous_id:hal-web', reason: 'bot traffic' });
    expect(response.json()).toMatchObject({ split: true, removedEdges: 1 });
    const alone = await profileOf('anonymous_id:hal-web');
    expect(ids(alone.view)).toEqual(['anonymous_id:hal-web']);
    // The event went with hal (its strongest identifier): the detached id has none.
    expect(alone.view.computed).toMatchObject({ eventCount: 0, firstSeen: null });
  });

  it('refuses unknown identifiers, identifiers linked only through others, and bad input', async () => {
    await sendBatch(harness.app, [
      { type: 'identify', userId: 'ivy', anonymousId: 'ivy-web', traits: { email: 'ivy@x.org' } },
    ]);
    await profileOf('user_id:ivy', (v) => expect(ids(v)).toHaveLength(3));
    const unknown = await split({ identifier: 'user_id:nobody', reason: 'x-1' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'profile.not_found' });
    // The edges are a star from user_id:ivy: the email and the device are linked through it.
    const indirect = await split({
      identifier: 'anonymous_id:ivy-web',
      from: 'email:ivy@x.org',
      reason: 'x-2',
    });
    expect(indirect.statusCode).toBe(409);
    expect(indirect.json()).toMatchObject({ code: 'split.not_directly_linked' });
    const invalid = await split({ identifier: 'shoe_size:42', reason: 'x-3' });
    expect(invalid.statusCode).toBe(400);
    const itself = await split({ identifier: 'user_id:ivy', from: 'user_id:ivy', reason: 'x-4' });
    expect(itself.json()).toMatchObject({ status: 400, code: 'split.same_identifier' });
    const noReason = await harness.app.inject({
      method: 'POST',
      url: '/v1/splits',
      headers: harness.admin,
      payload: { identifier: 'user_id:ivy' },
    });
    expect(noReason.statusCode).toBe(400);
    const { view } = await profileOf('user_id:ivy');
    expect(ids(view)).toHaveLength(3);
  });

  it('a split sticks: the replayed wrong login is a blocked merge, audited and reported; new evidence still links', async () => {
    const merged = await wronglyMerged('tablet-5', 'jo@example.com', 'kit');
    const response = await split({
      identifier: 'anonymous_id:tablet-5',
      from: 'user_id:kit',
      reason: 'ticket 51: kit logged in on jo’s tablet',
    });
    expect(response.json()).toMatchObject({ split: true });
    // The login that caused the wrong merge comes again, then kit's own new phone.
    await sendBatch(harness.app, [
      { type: 'identify', anonymousId: 'tablet-5', userId: 'kit', traits: { plan: 'pro' } },
      { type: 'identify', anonymousId: 'kit-phone', userId: 'kit' },
    ]);
    const kit = await profileOf('user_id:kit', (v) => expect(v.computed.eventCount).toBe(3));
    expect(kit.view.profileId).toBe(merged.profileId);
    expect(ids(kit.view)).toEqual(['anonymous_id:kit-phone', 'user_id:kit']);
    const jo = await profileOf('email:jo@example.com');
    expect(ids(jo.view)).toEqual(['anonymous_id:tablet-5', 'email:jo@example.com']);

    const { rows } = await harness.stores.pool.query<{ reason: string; rule: string }>(
      `SELECT reason, details->>'rule' AS rule FROM audit_log
        WHERE action = 'merge_blocked' AND profile_id = $1 AND other_profile_id = $2`,
      [kit.view.profileId, jo.view.profileId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.rule).toBe('do_not_link');
    expect(rows[0]!.reason).toMatch(/undo a split/);
    const report = await harness.app.inject({
      url: '/v1/identity-conflicts',
      headers: harness.admin,
    });
    expect(report.json<{ conflicts: unknown[] }>().conflicts).toContainEqual(
      expect.objectContaining({ type: 'anonymous_id', value: 'tablet-5', blockedMerges: 1 }),
    );
    expect(await misplacedEvents()).toBe(0);
  });

  it('erasing a person deletes the do-not-link rules that name their identifiers', async () => {
    await wronglyMerged('tablet-6', 'lu@example.com', 'max');
    await split({ identifier: 'anonymous_id:tablet-6', from: 'user_id:max', reason: 'shared' });
    const rulesNaming = async (value: string) => {
      const { rows } = await harness.stores.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM do_not_link_rules WHERE a_value = $1 OR b_value = $1',
        [value],
      );
      return rows[0]!.n;
    };
    expect(await rulesNaming('max')).toBe(1);
    const erased = await harness.app.inject({
      method: 'POST',
      url: '/v1/erasures',
      headers: harness.admin,
      payload: { identifier: 'user_id:max' },
    });
    expect(erased.statusCode).toBeLessThan(300);
    expect(await rulesNaming('max')).toBe(0);
  });
});
