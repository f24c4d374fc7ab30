import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.ts';
import type { Harness } from './support/harness.ts';
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
  computed: { eventCount: number };
}

async function profileOf(identifier: string, events?: number): Promise<View> {
  return eventually(
    async () => {
      const response = await harness.app.inject({
        url: `/v1/profiles/${encodeURIComponent(identifier)}`,
        headers: harness.admin,
      });
      expect(response.statusCode).toBe(200);
      const view = response.json<View>();
      if (events !== undefined) expect(view.computed.eventCount).toBe(events);
      return view;
    },
    { timeoutMs: 20_000 },
  );
}

const ids = (view: View) => view.identities.map((i) => `${i.type}:${i.value}`).sort();

async function auditOf(identifier: string) {
  const response = await harness.app.inject({
    url: `/v1/profiles/${encodeURIComponent(identifier)}/audit`,
    headers: harness.admin,
  });
  return response.json<{ entries: { action: string; reason: string }[] }>().entries;
}

describe('deterministic stitching', () => {
  it('merges two devices of one customer when they log in, and audits the merge', async () => {
    await sendBatch(harness.app, [
      { type: 'page', anonymousId: 'laptop-1', messageId: 'm-l1' },
      { type: 'page', anonymousId: 'phone-1', messageId: 'm-p1' },
      { type: 'identify', anonymousId: 'laptop-1', userId: 'bo', messageId: 'm-l2' },
    ]);
    await profileOf('user_id:bo', 2);
    await sendBatch(harness.app, [
      { type: 'identify', anonymousId: 'phone-1', userId: 'bo', messageId: 'm-p2' },
    ]);
    const view = await profileOf('anonymous_id:phone-1', 4);
    expect(ids(view)).toEqual(['anonymous_id:laptop-1', 'anonymous_id:phone-1', 'user_id:bo']);
    expect((await profileOf('anonymous_id:laptop-1')).profileId).toBe(view.profileId);
    const audit = await auditOf('user_id:bo');
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'merge',
          reason: expect.stringContaining('m-p2') as string,
        }),
      ]),
    );
  });

  it('keeps two logged-in customers of a shared device apart (one user_id per profile)', async () => {
    await sendBatch(harness.app, [
      { type: 'identify', anonymousId: 'family-tablet', userId: 'cy', messageId: 'm-t1' },
      { type: 'identify', anonymousId: 'family-tablet', userId: 'di', messageId: 'm-t2' },
    ]);
    const cy = await profileOf('user_id:cy');
    const di = await profileOf('user_id:di');
    expect(cy.profileId).not.toBe(di.profileId);
    // The two calls are keyed by different user ids, so either may be applied first: the
    // tablet stays with whoever logged in first, the other gets a profile of their own.
    const [withTablet, without] = ids(cy).length === 2 ? [cy, di] : [di, cy];
    expect(ids(withTablet)).toContain('anonymous_id:family-tablet');
    expect(ids(without)).toHaveLength(1);
    const blocked = await auditOf(ids(without)[0]!);
    expect(blocked.map((e) => e.action)).toContain('merge_blocked');
  });

  it('an email shared by hundreds of accounts merges none of them, and is reported', async () => {
    const accounts = 150;
    const batch = Array.from({ length: accounts }, (_, i) => ({
      type: 'identify',
      userId: `tester-${i}`,
      messageId: `m-shared-${i}`,
      traits: { email: 'QA@Example.com' },
    }));
    await sendBatch(harness.app, batch);
    // One poller: the report is complete once every call was applied.
    await eventually(
      async () => {
        const report = await harness.app.inject({
          url: '/v1/identity-conflicts',
          headers: harness.admin,
        });
        expect(report.json<{ conflicts: unknown[] }>().conflicts[0]).toMatchObject({
          type: 'email',
          value: 'qa@example.com',
          blockedMerges: accounts - 1,
        });
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const views: View[] = [];
    for (const call of batch) views.push(await profileOf(`user_id:${call.userId}`));
    expect(new Set(views.map((view) => view.profileId)).size).toBe(accounts);
    // Exactly one account holds the email: whichever was applied first.
    expect(views.filter((view) => ids(view).includes('email:qa@example.com'))).toHaveLength(1);
  });

  it('the same batch delivered twice leaves the profiles as one delivery does', async () => {
    const batch = [
      {
        type: 'identify',
        userId: 'ed',
        anonymousId: 'ed-web',
        messageId: 'm-ed-1',
        traits: { email: 'ed@example.org', plan: 'basic' },
      },
      {
        type: 'track',
        userId: 'ed',
        event: 'Order Completed',
        messageId: 'm-ed-2',
        properties: { revenue: 10 },
      },
    ];
    await sendBatch(harness.app, batch);
    const once = await profileOf('user_id:ed', 2);
    await sendBatch(harness.app, batch);
    await sendBatch(harness.app, [
      { type: 'track', userId: 'ed', event: 'Marker', messageId: 'm-ed-3' },
    ]);
    const twice = await profileOf('user_id:ed', 3);
    expect(ids(twice)).toEqual(ids(once));
    expect(twice.computed).toMatchObject({ orderCount: 1, lifetimeValueMinor: { USD: 1000 } });
  });
});
