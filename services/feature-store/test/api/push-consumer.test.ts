import { createEventMessage, DEAD_LETTER_HEADERS, deadLetterTopicOf } from '@scale-models/kafka';
import { eventually, uniqueName } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureValuesPushed } from '../../src/contracts.ts';
import type { PushTarget } from '../../src/contracts.ts';
import { authHeaders, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS, hoursAgo } from '../support/fixtures.ts';
import type { OnlineResponse } from '../support/responses.ts';
import { startPushPipeline } from '../support/push-pipeline.ts';
import type { PushPipeline } from '../support/push-pipeline.ts';

describe('push from Kafka', () => {
  let h: Harness;
  let kafkaPush: PushPipeline;

  beforeAll(async () => {
    h = await startHarness({ registry: DRIVERS });
    kafkaPush = await startPushPipeline(h.store);
  });
  afterAll(async () => {
    await kafkaPush.stop();
    await h.close();
  });

  const send = (value: string) =>
    kafkaPush.producer.send({ topic: kafkaPush.topic, messages: [{ key: '42', value }] });
  const pushEvent = async (to: PushTarget, row: Record<string, unknown>) => {
    const { message } = createEventMessage(featureValuesPushed, 'test', {
      key: String(row.driver_id),
      event: { feature_view: 'driver_profile', to, rows: [row] },
    });
    await kafkaPush.producer.send({ topic: kafkaPush.topic, messages: [message] });
  };
  const online = async (ids: number[]) =>
    (
      await h.app.inject({
        headers: authHeaders,
        method: 'POST',
        url: '/v1/get-online-features',
        payload: { features: ['driver_profile:rating'], entities: { driver_id: ids } },
      })
    ).json<OnlineResponse>().results[1]!.values;

  it('writes pushed values to the online and offline stores', async () => {
    await pushEvent('online_and_offline', {
      driver_id: 42,
      event_timestamp: hoursAgo(0.01),
      rating: 4.9,
    });
    await eventually(async () => expect(await online([42])).toEqual([4.9]));
    const { rows } = await h.pool.query<{ values: unknown }>(
      "SELECT values FROM feature_rows WHERE feature_view = 'driver_profile' AND entity_key = '42'",
    );
    expect(rows.map((r) => r.values)).toEqual([{ rating: 4.9 }]);
  });

  it('sends a poison event to the dead-letter topic and goes on with the next', async () => {
    const dlq = kafkaPush.kafka.consumer({ groupId: uniqueName('dlq') });
    const seen: { code: string | undefined }[] = [];
    await dlq.connect();
    await dlq.subscribe({ topics: [deadLetterTopicOf(kafkaPush.topic)], fromBeginning: true });
    await dlq.run({
      eachMessage: ({ message }) => {
        seen.push({ code: message.headers?.[DEAD_LETTER_HEADERS.errorCode]?.toString() });
        return Promise.resolve();
      },
    });
    try {
      await pushEvent('online', { driver_id: 43, event_timestamp: hoursAgo(0), speed: 1 });
      await send('not json');
      await pushEvent('online', { driver_id: 44, event_timestamp: hoursAgo(0), rating: 3.3 });
      await eventually(async () => expect(await online([43, 44])).toEqual([null, 3.3]));
      await eventually(
        () =>
          expect(seen.map((s) => s.code).sort()).toEqual([
            'event.malformed_json',
            'feature.unknown',
          ]),
        { timeoutMs: 20_000 },
      );
    } finally {
      await dlq.disconnect();
    }
  });
});
