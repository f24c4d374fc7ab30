import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEventMessage, createKafka, ensureTopics } from '@scale-models/kafka';
import { eventually, kafka as kafkaServer, uniqueName } from '@scale-models/testkit';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureValuesPushed } from '../../src/contracts.ts';
import { API_KEY, authHeaders, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS } from '../support/fixtures.ts';
import { countOf } from '../support/responses.ts';
import type { OnlineResponse } from '../support/responses.ts';

const SERVER = fileURLToPath(new URL('../../src/bin/server.ts', import.meta.url));
const EVENTS = 1500;
const DRIVERS_PUSHED = 40;
const BASE_MS = Date.now() - 3_600_000;

/** Event i: driver i % 40, one second after event i - 1, rating i (so the newest is the largest). */
const eventOf = (i: number) => ({
  driver_id: i % DRIVERS_PUSHED,
  event_timestamp: new Date(BASE_MS + i * 1000).toISOString(),
  rating: i,
});

describe('the Kafka push consumer SIGKILLed mid-stream', () => {
  let h: Harness;
  let kafka: Kafka;
  let producer: Producer;
  let server: ChildProcess | undefined;
  const topic = `feature-store.${uniqueName('push_kill')}.pushed.v1`;
  const groupId = uniqueName('push_kill');

  beforeAll(async () => {
    h = await startHarness({ registry: DRIVERS });
    kafka = createKafka({ brokers: (await kafkaServer()).brokers, clientId: 'feature-store-test' });
    await ensureTopics(kafka, [{ topic, partitions: 3 }]);
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    server?.kill('SIGKILL');
    await producer.disconnect();
    await h.close();
  });

  // The whole server, as deployed, with this test's database, Redis prefix, topic and group.
  const startServer = () =>
    spawn(process.execPath, [SERVER], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        PG_URL: h.database.url,
        REDIS_URL: h.redisUrl,
        REDIS_PREFIX: h.prefix,
        KAFKA_BROKERS: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0],
        PUSH_TOPIC: topic,
        PUSH_GROUP_ID: groupId,
        PORT: '0',
        GRPC_PORT: '0',
        API_KEYS: API_KEY,
        LOG_LEVEL: 'error',
      },
    });
  const offlineRows = () =>
    countOf(h.pool, "SELECT count(*) FROM feature_rows WHERE feature_view = 'driver_profile'");

  it('ends with the online and offline stores of a clean run, no offline row twice', async () => {
    const messages = Array.from(
      { length: EVENTS },
      (_, i) =>
        createEventMessage(featureValuesPushed, 'test', {
          key: String(i % DRIVERS_PUSHED),
          event: { feature_view: 'driver_profile', to: 'online_and_offline', rows: [eventOf(i)] },
        }).message,
    );
    for (let i = 0; i < EVENTS; i += 100) {
      await producer.send({ topic, messages: messages.slice(i, i + 100) });
    }

    server = startServer();
    await eventually(async () => expect(await offlineRows()).toBeGreaterThan(EVENTS / 5), {
      timeoutMs: 60_000,
    });
    server.kill('SIGKILL');
    const atKill = await offlineRows();
    expect(atKill).toBeLessThan(EVENTS); // killed mid-stream, not after

    server = startServer();
    await eventually(async () => expect(await offlineRows()).toBeGreaterThanOrEqual(EVENTS), {
      timeoutMs: 90_000,
    });

    // Online: every driver's newest pushed rating, as a clean run leaves it.
    const ids = Array.from({ length: DRIVERS_PUSHED }, (_, id) => id);
    const newest = new Map<number, number>();
    for (let i = 0; i < EVENTS; i++) newest.set(eventOf(i).driver_id, eventOf(i).rating);
    await eventually(async () => {
      const online = await h.app.inject({
        method: 'POST',
        url: '/v1/get-online-features',
        headers: authHeaders,
        payload: { features: ['driver_profile:rating'], entities: { driver_id: ids } },
      });
      expect(online.json<OnlineResponse>().results[1]!.values).toEqual(
        ids.map((id) => newest.get(id)),
      );
    });
    server.kill('SIGTERM');
    server = undefined;

    // Offline: exactly the pushed rows, each once.
    const { rows } = await h.pool.query<{ key: string; ts: Date; rating: number }>(
      `SELECT entity_key AS key, event_ts AS ts, (values->>'rating')::int AS rating
       FROM feature_rows WHERE feature_view = 'driver_profile' ORDER BY rating`,
    );
    expect(rows.map((r) => [Number(r.key), r.ts.toISOString(), r.rating])).toEqual(
      Array.from({ length: EVENTS }, (_, i) => {
        const e = eventOf(i);
        return [e.driver_id, e.event_timestamp, e.rating];
      }),
    );
  }, 180_000);
});
