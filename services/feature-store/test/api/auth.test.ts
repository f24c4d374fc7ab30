import { credentials, Metadata } from '@grpc/grpc-js';
import { callUnary, createGrpcServer, loadProto, lookupService } from '@scale-models/grpc';
import type { GrpcServer } from '@scale-models/grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcServices } from '../../src/api/grpc-services.ts';
import { authHeaders, authMetadata, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS } from '../support/fixtures.ts';
import type { Problem } from '../support/responses.ts';

const MODEL = {
  kind: 'logistic-regression',
  inputs: ['driver_stats:conv_rate'],
  weights: [1],
  bias: 0,
  means: [0],
  scales: [1],
};
const INFER = { inputs: [{ name: 'driver_id', datatype: 'INT64', shape: [1], data: [1001] }] };

describe('API keys on every route but health and docs', () => {
  let h: Harness;
  let grpc: GrpcServer;
  let address: string;
  beforeAll(async () => {
    h = await startHarness();
    const send = (method: 'POST' | 'PUT', url: string, payload: object) =>
      h.app.inject({ method, url, headers: authHeaders, payload });
    await send('POST', '/v1/apply', DRIVERS);
    await send('POST', '/v1/models', { name: 'eta' });
    await send('POST', '/v1/models/eta/versions', { artifact: MODEL });
    await send('PUT', '/v1/models/eta/aliases/champion', { version: 1 });
    grpc = createGrpcServer({ services: grpcServices(h.store) });
    address = `127.0.0.1:${await grpc.listen('127.0.0.1:0')}`;
  });
  afterAll(async () => {
    await grpc.shutdown(1000);
    await h.close();
  });

  const GUARDED = [
    ['POST', '/v1/apply', DRIVERS],
    ['GET', '/v1/registry', undefined],
    ['POST', '/v1/get-online-features', { features: MODEL.inputs, entities: { driver_id: [1] } }],
    ['GET', '/v1/monitoring/freshness', undefined],
    ['GET', '/v1/models/eta', undefined],
    ['GET', '/v1/models/eta/serving', undefined],
    ['GET', '/v1/training-sets/0190a000-0000-7000-8000-000000000000/rows', undefined],
    ['GET', '/v2/models/eta', undefined],
    ['GET', '/v2/models/eta/ready', undefined],
    ['POST', '/v2/models/eta/infer', INFER],
  ] as const;

  it.each(GUARDED)(
    '%s %s answers 401 without a key or with a wrong one',
    async (method, url, body) => {
      for (const headers of [{}, { 'x-api-key': 'not-a-key' }]) {
        const response = await h.app.inject({ method, url, headers, payload: body });
        expect(response.statusCode).toBe(401);
        const code = url.startsWith('/v2')
          ? response.json<{ code: string }>().code
          : response.json<Problem>().code;
        expect(code).toBe('auth.api_key_required');
      }
      const allowed = await h.app.inject({ method, url, headers: authHeaders, payload: body });
      expect(allowed.statusCode).not.toBe(401);
    },
  );

  it('an unauthenticated request with a bad body gets 401 before the body is judged', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/v2/models/eta/infer',
      payload: { inputs: 'not a list' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('leaves the health probes and server metadata open', async () => {
    for (const url of ['/healthz', '/readyz', '/v2', '/v2/health/live', '/v2/health/ready']) {
      expect((await h.app.inject({ url })).statusCode).toBe(200);
    }
  });

  it('asks gRPC callers for the key in metadata (UNAUTHENTICATED otherwise)', async () => {
    const Inference = lookupService(
      loadProto(new URL('../../proto/grpc_predict_v2.proto', import.meta.url).pathname),
      'inference.GRPCInferenceService',
    );
    const Online = lookupService(
      loadProto(new URL('../../proto/online_features.proto', import.meta.url).pathname),
      'feature_store.v1.OnlineFeatures',
    );
    const inference = new Inference(address, credentials.createInsecure());
    const online = new Online(address, credentials.createInsecure());
    try {
      const infer = {
        model_name: 'eta',
        inputs: [
          {
            name: 'driver_id',
            datatype: 'INT64',
            shape: ['1'],
            contents: { int64_contents: ['1'] },
          },
        ],
      };
      const features = {
        features: MODEL.inputs,
        entities: { driver_id: { values: ['1'] } },
      };
      const wrong = new Metadata();
      wrong.set('x-api-key', 'not-a-key');
      for (const metadata of [new Metadata(), wrong]) {
        await expect(callUnary(inference, 'ModelInfer', infer, { metadata })).rejects.toMatchObject(
          { code: 'auth.api_key_required' },
        );
        await expect(
          callUnary(online, 'GetOnlineFeatures', features, { metadata }),
        ).rejects.toMatchObject({ code: 'auth.api_key_required' });
      }
      await expect(
        callUnary(inference, 'ModelInfer', infer, { metadata: authMetadata() }),
      ).resolves.toMatchObject({ model_version: '1' });
      await expect(callUnary(inference, 'ServerLive', {})).resolves.toEqual({ live: true });
    } finally {
      inference.close();
      online.close();
    }
  });
});
