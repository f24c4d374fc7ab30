import { Analytics } from '@segment/analytics-node';
import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_WRITE_KEY, createHarness, WRITE_KEY } from './support/harness.ts';
import type { Harness } from './support/harness.ts';
import { messagesIn } from './support/kafka-helpers.ts';

let harness: Harness;
let base: string;

beforeAll(async () => {
  harness = await createHarness();
  base = await harness.app.listen({ port: 0, host: '127.0.0.1' });
  await harness.startResolver();
});
afterAll(() => harness.close());

const profile = (identifier: string) =>
  harness.app.inject({
    url: `/v1/profiles/${encodeURIComponent(identifier)}`,
    headers: harness.admin,
  });

function client(writeKey = WRITE_KEY) {
  return new Analytics({
    writeKey,
    host: base,
    path: '/v1/batch',
    flushAt: 50,
    flushInterval: 50,
    maxRetries: 0,
  });
}

describe('the unmodified @segment/analytics-node client', () => {
  it('browses anonymously, logs in, and ends up with one profile holding everything', async () => {
    const analytics = client();
    analytics.page({ anonymousId: 'anon-ann-1', name: 'Home', properties: { path: '/' } });
    analytics.track({
      anonymousId: 'anon-ann-1',
      event: 'Product Viewed',
      properties: { sku: 'sku-1' },
    });
    analytics.identify({
      anonymousId: 'anon-ann-1',
      userId: 'user-ann',
      traits: {
        email: 'Ann.Lee+news@GMail.com',
        phone: '(415) 555-0132',
        first_name: 'Ann',
        plan: 'pro',
      },
    });
    analytics.track({
      userId: 'user-ann',
      event: 'Order Completed',
      properties: { revenue: 42.5, currency: 'EUR' },
    });
    analytics.screen({ userId: 'user-ann', name: 'Cart' });
    analytics.group({ userId: 'user-ann', groupId: 'acme' });
    analytics.alias({ userId: 'user-ann', previousId: 'anon-ann-old' });
    await analytics.closeAndFlush();

    const view = await eventually(
      async () => {
        const response = await profile('email:annlee@gmail.com');
        expect(response.statusCode).toBe(200);
        const body = response.json<
          Record<string, unknown> & { profileId: string; computed: { eventCount: number } }
        >();
        expect(body.computed.eventCount).toBe(7);
        return body;
      },
      { timeoutMs: 20_000 },
    );
    expect(view.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'user_id', value: 'user-ann' }),
        expect.objectContaining({ type: 'anonymous_id', value: 'anon-ann-1' }),
        expect.objectContaining({ type: 'anonymous_id', value: 'anon-ann-old' }),
        expect.objectContaining({ type: 'email', value: 'annlee@gmail.com' }),
        expect.objectContaining({ type: 'phone', value: '+14155550132' }),
      ]),
    );
    expect(view.computed).toMatchObject({ orderCount: 1, lifetimeValueMinor: { EUR: 4250 } });
    expect(view.traits).toMatchObject({ plan: { value: 'pro', source: 'web' } });
    // Lookups by any identifier, served from Redis.
    for (const id of ['user_id:user-ann', 'anonymous_id:anon-ann-1', 'phone:+1 415 555 0132']) {
      const response = await profile(id);
      expect(response.headers['x-profile-source']).toBe('cache');
      expect(response.json<{ profileId: string }>().profileId).toBe(view.profileId);
    }
  });

  it('sends the same messageId twice: one event', async () => {
    const analytics = client();
    const message = { userId: 'user-dup', event: 'Clicked', messageId: 'fixed-message-id-1' };
    analytics.track(message);
    await analytics.closeAndFlush();
    const again = client();
    again.track(message);
    await again.closeAndFlush();
    await eventually(
      async () => {
        const response = await profile('user_id:user-dup');
        expect(response.statusCode).toBe(200);
      },
      { timeoutMs: 20_000 },
    );
    // Both copies went through Kafka; a later event proves the consumer passed them.
    const marker = client();
    marker.track({ userId: 'user-dup', event: 'Marker' });
    await marker.closeAndFlush();
    await eventually(
      async () => {
        const body = (await profile('user_id:user-dup')).json<{
          computed: { eventCount: number };
        }>();
        expect(body.computed.eventCount).toBe(2);
      },
      { timeoutMs: 20_000 },
    );
  });

  it('keeps the source of each write key', async () => {
    const analytics = client(APP_WRITE_KEY);
    analytics.identify({ userId: 'user-app', traits: { plan: 'free' } });
    await analytics.closeAndFlush();
    await eventually(
      async () => {
        const body = (await profile('user_id:user-app')).json<{
          traits: { plan: { source: string } };
        }>();
        expect(body.traits.plan.source).toBe('app');
      },
      { timeoutMs: 20_000 },
    );
  });
});

describe('bad input gets the statuses Segment returns, and nothing is written', () => {
  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const post = (url: string, payload: string, authorization = basic(WRITE_KEY)) =>
    harness.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization, 'content-type': 'application/json' },
    });

  async function unchanged(action: () => Promise<void>) {
    const topic = harness.stores.contracts.eventReceived.topic;
    const before = await messagesIn(harness.stores.kafka, topic);
    await action();
    expect(await messagesIn(harness.stores.kafka, topic)).toBe(before);
  }

  it('answers 200 to a wrong write key, as Segment does, and drops the calls', async () => {
    await unchanged(async () => {
      const response = await post(
        '/v1/track',
        JSON.stringify({ userId: 'u-wrong-key', event: 'X' }),
        basic('not-a-key'),
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ success: true });
      const none = await post(
        '/v1/track',
        JSON.stringify({ userId: 'u-wrong-key', event: 'X' }),
        '',
      );
      expect(none.statusCode).toBe(200);
    });
    expect(harness.stats.snapshot().invalid_write_key).toBe(2);
  });

  it('answers 400 to invalid JSON', async () => {
    await unchanged(async () => {
      const response = await post('/v1/batch', '{"batch": [');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'tracking.malformed_json' });
    });
  });

  it('answers 400 to a call over 32 KB and to a batch over 500 KB', async () => {
    const big = 'x'.repeat(33 * 1024);
    await unchanged(async () => {
      const single = await post(
        '/v1/track',
        JSON.stringify({ userId: 'u-big', event: 'Big', properties: { big } }),
      );
      expect(single.statusCode).toBe(400);
      expect(single.json()).toMatchObject({ code: 'tracking.payload_too_large' });
      const inBatch = await post(
        '/v1/batch',
        JSON.stringify({
          batch: [
            { type: 'track', userId: 'u', event: 'ok' },
            { type: 'track', userId: 'u-big', event: 'Big', properties: { big } },
          ],
        }),
      );
      expect(inBatch.statusCode).toBe(400);
      expect(inBatch.json()).toMatchObject({ code: 'tracking.event_too_large' });
      const calls = Array.from({ length: 60 }, (_, i) => ({
        type: 'track',
        userId: `u-${i}`,
        event: 'Filler',
        properties: { pad: 'y'.repeat(10_000) },
      }));
      const batch = await post('/v1/batch', JSON.stringify({ batch: calls }));
      expect(batch.statusCode).toBe(400);
    });
  });

  it('accepts with 200 and drops a call without userId and anonymousId (and a track without event)', async () => {
    await unchanged(async () => {
      const response = await post(
        '/v1/batch',
        JSON.stringify({
          batch: [
            { type: 'identify', traits: { email: 'x@y.com' } },
            { type: 'track', userId: 'u' },
          ],
        }),
      );
      expect(response.statusCode).toBe(200);
    });
    expect(harness.stats.snapshot()).toMatchObject({
      'message.identity_missing': 1,
      'track.event_missing': 1,
    });
  });

  it('refuses the operator API without the admin token', async () => {
    const response = await harness.app.inject({ url: '/v1/profiles/user_id:user-ann' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'auth.invalid_token' });
  });
});
