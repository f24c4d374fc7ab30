import { callUnary } from '@scale-models/grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, authMetadata, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS, hoursAgo } from '../support/fixtures.ts';
import { countOf } from '../support/responses.ts';
import type {
  FreshnessResponse,
  MaterializeResponse,
  OnlineResponse,
  Problem,
} from '../support/responses.ts';
import { serveGrpc } from '../support/grpc-client.ts';
import type { GrpcClient, ServedGrpc } from '../support/grpc-client.ts';

const FEATURES = ['driver_stats:conv_rate', 'driver_stats:trips', 'driver_profile:city'];

describe('ingestion, materialization and get-online-features', () => {
  let h: Harness;
  let grpc: ServedGrpc;
  let client: GrpcClient;
  beforeAll(async () => {
    h = await startHarness({ registry: DRIVERS });
    grpc = await serveGrpc(h.store, 'online_features.proto');
    client = grpc.client;
  });
  afterAll(async () => {
    await grpc.close();
    await h.close();
  });

  const ingestCsv = (view: string, csv: string) =>
    h.app.inject({
      method: 'POST',
      url: `/v1/feature-views/${view}/rows`,
      headers: { ...authHeaders, 'content-type': 'text/csv' },
      payload: csv,
    });
  const online = (body: Record<string, unknown>) =>
    h.app.inject({
      headers: authHeaders,
      method: 'POST',
      url: '/v1/get-online-features',
      payload: body,
    });
  const offlineRows = () => countOf(h.pool, 'SELECT count(*) FROM feature_rows');

  it('ingests CSV, materializes, and serves values with status and event time', async () => {
    const csv = [
      'driver_id,event_timestamp,conv_rate,acc_rate,trips',
      `1001,${hoursAgo(3)},0.1,0.5,10`,
      `1001,${hoursAgo(0.5)},0.2,0.6,11`,
      `1002,${hoursAgo(2)},0.9,0.7,`, // older than the view's one-hour TTL
    ].join('\n');
    expect((await ingestCsv('driver_stats', csv)).json()).toEqual({
      feature_view: 'driver_stats',
      ingested: 3,
    });
    await ingestCsv(
      'driver_profile',
      `driver_id,event_timestamp,rating,city\n1001,${hoursAgo(100)},4.5,Lyon`,
    );
    const materialized = await h.app.inject({
      method: 'POST',
      url: '/v1/materialize',
      headers: authHeaders,
      payload: { mode: 'full' },
    });
    const keys = Object.fromEntries(
      materialized.json<MaterializeResponse>().reports.map((r) => [r.feature_view, r.keys]),
    );
    expect(keys).toEqual({ driver_stats: 2, driver_profile: 1 });

    const response = await online({
      features: FEATURES,
      entities: { driver_id: [1001, '1002', 1003] },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<OnlineResponse>();
    expect(body.metadata.feature_names).toEqual(['driver_id', ...FEATURES]);
    expect(body.results[0]!.values).toEqual(['1001', '1002', '1003']);
    expect(body.results[1]!.values).toEqual([0.2, null, null]);
    expect(body.results[1]!.statuses).toEqual(['PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND']);
    expect(Date.parse(body.results[1]!.event_timestamps[0]!)).toBeGreaterThan(
      Date.now() - 3_600_000,
    );
    expect(body.results[3]!.values).toEqual(['Lyon', null, null]); // TTL 0: never expires
  });

  it('serves the same answer over gRPC', async () => {
    const answer = await callUnary<{
      feature_names: string[];
      results: { values: Record<string, unknown>[]; statuses: string[] }[];
    }>(
      client,
      'GetOnlineFeatures',
      {
        features: FEATURES,
        entities: { driver_id: { values: ['1001', '1002'] } },
      },
      { metadata: authMetadata() },
    );
    expect(answer.feature_names).toEqual(['driver_id', ...FEATURES]);
    expect(answer.results[1]!.statuses).toEqual(['PRESENT', 'OUTSIDE_MAX_AGE']);
    expect(answer.results[1]!.values[0]).toMatchObject({ double_value: 0.2 });
  });

  it('serves a feature service by name', async () => {
    const body = (
      await online({ feature_service: 'driver_activity', entities: { driver_id: [1001] } })
    ).json<OnlineResponse>();
    expect(body.metadata.feature_names).toEqual([
      'driver_id',
      'driver_stats:conv_rate',
      'driver_stats:acc_rate',
      'driver_profile:rating',
    ]);
    expect(body.results[3]!.values).toEqual([4.5]);
  });

  it.each([
    [
      'an unknown feature',
      { features: ['driver_stats:nope'], entities: { driver_id: [1] } },
      'feature.unknown',
      'features',
    ],
    [
      'an unknown entity key',
      { features: FEATURES, entities: { driver_id: [1], rider_id: [2] } },
      'entity.unknown',
      'entities.rider_id',
    ],
    [
      'a wrong key type',
      { features: FEATURES, entities: { driver_id: [1001, 'abc'] } },
      'feature.wrong_type',
      'entities.driver_id[1]',
    ],
    [
      'a missing join key',
      { features: FEATURES, entities: {} },
      'entity.missing_key',
      'entities.driver_id',
    ],
  ])('answers 400 for %s, naming the field', async (_name, body, code, field) => {
    const response = await online(body);
    expect(response.statusCode).toBe(400);
    expect(response.json<Problem>()).toMatchObject({ code, field });
  });

  it.each([
    [
      'an unknown feature column',
      `driver_id,event_timestamp,conv_rate,speed\n1,${hoursAgo(1)},0.1,3`,
      'feature.unknown',
      'rows[0].speed',
    ],
    [
      'a wrong value type',
      `driver_id,event_timestamp,conv_rate\n1,${hoursAgo(1)},0.1\n2,${hoursAgo(1)},fast`,
      'feature.wrong_type',
      'rows[1].conv_rate',
    ],
    [
      'a wrong key type',
      `driver_id,event_timestamp,conv_rate\nx1,${hoursAgo(1)},0.1`,
      'feature.wrong_type',
      'rows[0].driver_id',
    ],
    [
      'a future timestamp',
      `driver_id,event_timestamp,conv_rate\n1,${hoursAgo(-2)},0.1`,
      'timestamp.in_future',
      'rows[0].event_timestamp',
    ],
    [
      'an unparsable timestamp',
      `driver_id,event_timestamp,conv_rate\n1,last tuesday,0.1`,
      'timestamp.unparsable',
      'rows[0].event_timestamp',
    ],
    [
      'a timestamp without a zone',
      `driver_id,event_timestamp,conv_rate\n1,2026-01-01T10:00:00,0.1`,
      'timestamp.unparsable',
      'rows[0].event_timestamp',
    ],
  ])('refuses a CSV with %s and writes none of it', async (_name, csv, code, field) => {
    const before = await offlineRows();
    // 2,500 good rows first: the bad one comes after a first batch was already inserted.
    const good = Array.from({ length: 2500 }, (_, i) => `${i},${hoursAgo(1)},0.5`).join('\n');
    const [header, ...rest] = csv.split('\n');
    const payload =
      header === 'driver_id,event_timestamp,conv_rate' ? [header, good, ...rest].join('\n') : csv;
    const response = await ingestCsv('driver_stats', payload);
    expect(response.statusCode).toBe(400);
    expect(response.json<Problem>().code).toBe(code);
    if (header === 'driver_id,event_timestamp,conv_rate')
      expect(response.json<Problem>().field).toBe(
        field.replace(/rows\[(\d+)\]/, (_m, n: string) => `rows[${Number(n) + 2500}]`),
      );
    else expect(response.json<Problem>().field).toBe(field);
    expect(await offlineRows()).toBe(before);
  });

  it('push changes the online value at once and lands offline; an older push changes nothing', async () => {
    const push = (rows: unknown[]) =>
      h.app.inject({
        method: 'POST',
        url: '/v1/push',
        headers: authHeaders,
        payload: { feature_view: 'driver_stats', rows },
      });
    const before = await offlineRows();
    expect(
      (await push([{ driver_id: 1001, event_timestamp: hoursAgo(0.1), conv_rate: 0.77 }])).json(),
    ).toEqual({ rows: 1, online_written: 1 });
    expect(
      (await push([{ driver_id: 1001, event_timestamp: hoursAgo(0.2), conv_rate: 0.01 }])).json(),
    ).toEqual({ rows: 1, online_written: 0 });
    const body = (
      await online({ features: ['driver_stats:conv_rate'], entities: { driver_id: [1001] } })
    ).json<OnlineResponse>();
    expect(body.results[1]!.values).toEqual([0.77]);
    expect(await offlineRows()).toBe(before + 2);
    const bad = await push([{ driver_id: 1001, event_timestamp: hoursAgo(0), conv_rate: 'high' }]);
    expect(bad.json()).toMatchObject({ code: 'feature.wrong_type', field: 'rows[0].conv_rate' });
  });

  it('incremental materialization copies only what changed since the last run', async () => {
    await ingestCsv(
      'driver_stats',
      `driver_id,event_timestamp,conv_rate\n2001,${hoursAgo(0.1)},0.3`,
    );
    const reports = (
      await h.app.inject({
        method: 'POST',
        url: '/v1/materialize',
        headers: authHeaders,
        payload: { feature_views: ['driver_stats'] },
      })
    ).json<MaterializeResponse>().reports;
    // Driver 2001's new row, and 1001's pushed row (push wrote it offline after the last run).
    // At least those two: the watermark is the oldest transaction still running at the last
    // run, cluster-wide, so another database's long transaction on the shared PostgreSQL can
    // widen the window (rows copied again are newer-only writes: harmless).
    expect(reports).toMatchObject([{ feature_view: 'driver_stats', mode: 'incremental' }]);
    expect(reports[0]!.keys).toBeGreaterThanOrEqual(2);
    const body = (
      await online({ features: ['driver_stats:conv_rate'], entities: { driver_id: [1001, 2001] } })
    ).json<OnlineResponse>();
    expect(body.results[1]!.values).toEqual([0.77, 0.3]);
  });

  it('reports the age of served features', async () => {
    const freshness = (
      await h.app.inject({ headers: authHeaders, url: '/v1/monitoring/freshness' })
    ).json<FreshnessResponse>().features['driver_stats:conv_rate']!;
    expect(freshness.served).toBeGreaterThan(0);
    expect(freshness.expired).toBeGreaterThan(0);
    expect(freshness.mean_age_seconds).toBeGreaterThan(0);
  });
});
