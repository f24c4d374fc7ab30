import { callUnary } from '@scale-models/grpc';
import { createEventMessage, DEAD_LETTER_HEADERS, deadLetterTopicOf } from '@scale-models/kafka';
import { eventually, uniqueName } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureValuesPushed } from '../../src/contracts.ts';
import { FRAUD, hoursAgo } from '../support/fixtures.ts';
import { authHeaders, authMetadata, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { countOf } from '../support/responses.ts';
import type { MaterializeResponse, OnlineResponse, Problem } from '../support/responses.ts';
import { serveGrpc } from '../support/grpc-client.ts';
import type { GrpcClient, ServedGrpc } from '../support/grpc-client.ts';
import { startPushPipeline } from '../support/push-pipeline.ts';
import type { PushPipeline } from '../support/push-pipeline.ts';

const FRAUD_SIGNALS = FRAUD.feature_services!.find((s) => s.name === 'fraud_signals')!.features;

interface GrpcAnswer {
  feature_names: string[];
  results: { values: Record<string, unknown>[]; statuses: string[] }[];
}

describe('composite join keys: materialization, push and get-online-features', () => {
  let h: Harness;
  let grpc: ServedGrpc;
  let client: GrpcClient;
  let kafkaPush: PushPipeline;

  beforeAll(async () => {
    h = await startHarness({ registry: FRAUD });
    grpc = await serveGrpc(h.store, 'online_features.proto');
    client = grpc.client;
    kafkaPush = await startPushPipeline(h.store);
  });
  afterAll(async () => {
    await kafkaPush.stop();
    await grpc.close();
    await h.close();
  });

  const post = (url: string, payload: object) =>
    h.app.inject({ method: 'POST', url, headers: authHeaders, payload });
  const online = (body: object) => post('/v1/get-online-features', body);
  const grpcOnline = (entities: Record<string, string[]>, features: string[]) =>
    callUnary<GrpcAnswer>(
      client,
      'GetOnlineFeatures',
      {
        features,
        entities: Object.fromEntries(
          Object.entries(entities).map(([key, values]) => [key, { values }]),
        ),
      },
      { metadata: authMetadata() },
    );
  const materialize = async (mode: 'full' | 'incremental', views: string[]) =>
    (await post('/v1/materialize', { mode, feature_views: views })).json<MaterializeResponse>()
      .reports;
  const seenCounts = async (merchants: string[], devices: string[]) =>
    (
      await online({
        features: ['merchant_device_stats:seen_count'],
        entities: { merchant_id: merchants, device_id: devices },
      })
    ).json<OnlineResponse>().results[2]!;
  const offlineRows = () => countOf(h.pool, 'SELECT count(*) FROM feature_rows');
  /** A view's online keys (without this test's prefix) and stored values. */
  const onlineDump = async (view: string): Promise<Map<string, string | null>> => {
    const raw = h.redis.redis.duplicate({ keyPrefix: '' });
    try {
      const keys = await raw.keys(`${h.prefix}:online:${view}:*`);
      const values = await raw.mget(keys);
      return new Map(keys.map((key, i) => [key.slice(h.prefix.length), values[i]!]));
    } finally {
      raw.disconnect();
    }
  };

  it('materializes composite keys and serves each value with its status, over HTTP and gRPC', async () => {
    const ingested = await post('/v1/feature-views/user_merchant_stats/rows', [
      { user_id: 101, merchant_id: 'm1', event_timestamp: hoursAgo(1), txn_count: 5 },
      { user_id: 101, merchant_id: 'm1', event_timestamp: hoursAgo(3), txn_count: 4 },
      { user_id: 101, merchant_id: 'm2', event_timestamp: hoursAgo(200), txn_count: 9 }, // > 1 week
      { user_id: 102, merchant_id: 'm1', event_timestamp: hoursAgo(2), txn_count: 7 },
    ]);
    expect(ingested.statusCode).toBe(201);
    await post('/v1/feature-views/user_stats/rows', [
      { user_id: 101, event_timestamp: hoursAgo(500), account_age_days: 365 },
    ]);
    const reports = await materialize('full', ['user_merchant_stats', 'user_stats']);
    expect(reports.map((r) => [r.feature_view, r.keys])).toEqual([
      ['user_merchant_stats', 3],
      ['user_stats', 1],
    ]);

    const response = await online({
      feature_service: 'fraud_signals',
      entities: { user_id: [101, 101, 101, '102'], merchant_id: ['m1', 'm2', 'm3', 'm1'] },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<OnlineResponse>();
    expect(body.metadata.feature_names).toEqual(['user_id', 'merchant_id', ...FRAUD_SIGNALS]);
    expect(body.results[0]!.values).toEqual(['101', '101', '101', '102']);
    expect(body.results[1]!.values).toEqual(['m1', 'm2', 'm3', 'm1']);
    // user_stats is joined on user_id alone: every row of user 101 gets it.
    expect(body.results[2]!).toMatchObject({
      values: [365, 365, 365, null],
      statuses: ['PRESENT', 'PRESENT', 'PRESENT', 'NOT_FOUND'],
    });
    expect(body.results[3]!).toMatchObject({
      values: [5, null, null, 7],
      statuses: ['PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND', 'PRESENT'],
    });

    const answer = await grpcOnline(
      { user_id: ['101', '101', '101', '102'], merchant_id: ['m1', 'm2', 'm3', 'm1'] },
      ['user_merchant_stats:txn_count'],
    );
    expect(answer.feature_names).toEqual([
      'user_id',
      'merchant_id',
      'user_merchant_stats:txn_count',
    ]);
    expect(answer.results[2]!.statuses).toEqual([
      'PRESENT',
      'OUTSIDE_MAX_AGE',
      'NOT_FOUND',
      'PRESENT',
    ]);
    expect(answer.results[2]!.values[3]).toMatchObject({ double_value: 7 });
  });

  it('keeps apart keys that a naive separator would merge', async () => {
    const pushed = await post('/v1/push', {
      feature_view: 'merchant_device_stats',
      rows: [
        { merchant_id: 'a:b', device_id: 'c', event_timestamp: hoursAgo(0.1), seen_count: 1 },
        { merchant_id: 'a', device_id: 'b:c', event_timestamp: hoursAgo(0.1), seen_count: 2 },
      ],
    });
    expect(pushed.json()).toEqual({ rows: 2, online_written: 2 });
    expect((await seenCounts(['a:b', 'a'], ['c', 'b:c'])).values).toEqual([1, 2]);
    const { rows } = await h.pool.query<{ entity_key: string }>(
      "SELECT entity_key FROM feature_rows WHERE feature_view = 'merchant_device_stats' ORDER BY 1",
    );
    expect(rows.map((r) => r.entity_key)).toEqual(['["a","b:c"]', '["a:b","c"]']);
  });

  it.each([
    ['a missing join key column', { user_id: [101] }, 'entity.missing_key', 'entities.merchant_id'],
    [
      'a row missing one key',
      { user_id: [101, 102], merchant_id: ['m1', null] },
      'entity.missing_key',
      'entities.merchant_id[1]',
    ],
    [
      'a wrong key type',
      { user_id: [101, 'u-102'], merchant_id: ['m1', 'm1'] },
      'feature.wrong_type',
      'entities.user_id[1]',
    ],
    [
      'columns of different lengths',
      { user_id: [101, 102], merchant_id: ['m1'] },
      'entity.length_mismatch',
      'entities.merchant_id',
    ],
  ])('answers 400 over HTTP for %s, naming the field', async (_name, entities, code, field) => {
    const response = await online({ feature_service: 'fraud_signals', entities });
    expect(response.statusCode).toBe(400);
    expect(response.json<Problem>()).toMatchObject({ code, field });
  });

  it('answers INVALID_ARGUMENT over gRPC for a missing key or a wrong type, naming the field', async () => {
    await expect(
      grpcOnline({ user_id: ['101'] }, ['user_merchant_stats:txn_count']),
    ).rejects.toMatchObject({
      code: 'entity.missing_key',
      details: { field: 'entities.merchant_id' },
    });
    await expect(
      grpcOnline({ user_id: ['x'], merchant_id: ['m1'] }, ['user_merchant_stats:txn_count']),
    ).rejects.toMatchObject({
      code: 'feature.wrong_type',
      details: { field: 'entities.user_id[0]' },
    });
  });

  it('refuses a push with a row missing a join key, writing nothing offline or online', async () => {
    const before = await offlineRows();
    const response = await post('/v1/push', {
      feature_view: 'merchant_device_stats',
      rows: [
        { merchant_id: 'z', device_id: 'd', event_timestamp: hoursAgo(0), seen_count: 1 },
        { merchant_id: 'z', event_timestamp: hoursAgo(0), seen_count: 2 },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<Problem>()).toMatchObject({
      code: 'entity.missing_key',
      field: 'rows[1].device_id',
    });
    expect(await offlineRows()).toBe(before);
    expect((await seenCounts(['z'], ['d'])).statuses).toEqual(['NOT_FOUND']);
  });

  it('incremental materialization of a composite view is idempotent', async () => {
    await post('/v1/feature-views/user_merchant_stats/rows', [
      { user_id: 103, merchant_id: 'm9', event_timestamp: hoursAgo(0.5), txn_count: 1 },
    ]);
    const entities = { user_id: [101, 102, 103], merchant_id: ['m1', 'm1', 'm9'] };
    const answer = async () =>
      (
        await online({ features: ['user_merchant_stats:txn_count'], entities })
      ).json<OnlineResponse>().results[2];
    const [first] = await materialize('incremental', ['user_merchant_stats']);
    expect(first!.keys).toBeGreaterThanOrEqual(1);
    const served = await answer();
    expect(served!.values).toEqual([5, 7, 1]);
    const stored = await onlineDump('user_merchant_stats');
    expect(stored.size).toBe(4);
    // Run again, incrementally and fully: the stored rows stay exactly as they were.
    await materialize('incremental', ['user_merchant_stats']);
    const [full] = await materialize('full', ['user_merchant_stats']);
    expect(full!.keys).toBe(4);
    expect(await onlineDump('user_merchant_stats')).toEqual(stored);
    expect(await answer()).toEqual(served);
  });

  it('consumes pushed composite rows from Kafka, and dead-letters one missing a key', async () => {
    const dlq = kafkaPush.kafka.consumer({ groupId: uniqueName('dlq') });
    const codes: (string | undefined)[] = [];
    await dlq.connect();
    await dlq.subscribe({ topics: [deadLetterTopicOf(kafkaPush.topic)], fromBeginning: true });
    await dlq.run({
      eachMessage: ({ message }) => {
        codes.push(message.headers?.[DEAD_LETTER_HEADERS.errorCode]?.toString());
        return Promise.resolve();
      },
    });
    const push = async (row: Record<string, unknown>) => {
      const { message } = createEventMessage(featureValuesPushed, 'test', {
        key: String(row.merchant_id),
        event: { feature_view: 'merchant_device_stats', to: 'online_and_offline', rows: [row] },
      });
      await kafkaPush.producer.send({ topic: kafkaPush.topic, messages: [message] });
    };
    try {
      await push({ merchant_id: 'k', event_timestamp: hoursAgo(0), seen_count: 8 });
      await push({
        merchant_id: 'k',
        device_id: 'd1',
        event_timestamp: hoursAgo(0),
        seen_count: 3,
      });
      await eventually(async () => expect((await seenCounts(['k'], ['d1'])).values).toEqual([3]));
      await eventually(() => expect(codes).toEqual(['entity.missing_key']), {
        timeoutMs: 20_000,
      });
      expect(
        await countOf(h.pool, `SELECT count(*) FROM feature_rows WHERE entity_key = '["k","d1"]'`),
      ).toBe(1);
    } finally {
      await dlq.disconnect();
    }
  });
});
