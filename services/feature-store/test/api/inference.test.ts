import { callUnary } from '@scale-models/grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predict } from '../../src/domain/logistic-regression.ts';
import type { LogisticModel } from '../../src/domain/logistic-regression.ts';
import { predictMlp, trainMlp } from '../../src/domain/mlp.ts';
import { onnxArtifactOf } from '../../src/domain/mlp-onnx.ts';
import { trainFromRows } from '../../src/domain/train-from-rows.ts';
import { authHeaders, authMetadata, startHarness, trainingSetRows } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS, hoursAgo } from '../support/fixtures.ts';
import type {
  InferResponse,
  ModelVersion,
  Problem,
  ServingResponse,
  TrainingSet,
} from '../support/responses.ts';
import { serveGrpc } from '../support/grpc-client.ts';
import type { GrpcClient, ServedGrpc } from '../support/grpc-client.ts';

const INPUTS = ['driver_stats:conv_rate', 'driver_stats:acc_rate'];
const DRIVER_COUNT = 300;

describe('model registry and KServe V2 inference', () => {
  let h: Harness;
  let grpc: ServedGrpc;
  let client: GrpcClient;
  const features = new Map<number, [number, number]>();
  const models: LogisticModel[] = [];

  beforeAll(async () => {
    h = await startHarness({
      batching: { maxBatchSize: 16, maxQueueDelayMs: 2, maxConcurrency: 2 },
      registry: DRIVERS,
    });
    const rows = Array.from({ length: DRIVER_COUNT }, (_, id) => {
      const pair: [number, number] = [((id * 37) % 100) / 100, ((id * 53) % 100) / 100];
      features.set(id, pair);
      return {
        driver_id: id,
        event_timestamp: hoursAgo(0.5),
        conv_rate: pair[0],
        acc_rate: pair[1],
      };
    });
    await h.app.inject({
      method: 'POST',
      url: '/v1/feature-views/driver_stats/rows',
      headers: authHeaders,
      payload: rows,
    });
    await h.app.inject({
      method: 'POST',
      url: '/v1/materialize',
      headers: authHeaders,
      payload: { mode: 'full' },
    });
    grpc = await serveGrpc(h.store, 'grpc_predict_v2.proto');
    client = grpc.client;
  });
  afterAll(async () => {
    await grpc.close();
    await h.close();
  });

  const infer = (ids: unknown[], model = 'eta', datatype = 'INT64') =>
    h.app.inject({
      headers: authHeaders,
      method: 'POST',
      url: `/v2/models/${model}/infer`,
      payload: {
        id: 'r1',
        inputs: [{ name: 'driver_id', datatype, shape: [ids.length], data: ids }],
      },
    });
  const expected = (version: number, id: number) =>
    predict(models[version - 1]!, [features.get(id)!])[0];
  const register = async (artifact: unknown, extra: Record<string, unknown> = {}) =>
    (
      await h.app.inject({
        method: 'POST',
        url: '/v1/models/eta/versions',
        headers: authHeaders,
        payload: { artifact, ...extra },
      })
    ).json<ModelVersion>();
  const moveAlias = (alias: string, version: number) =>
    h.app.inject({
      method: 'PUT',
      url: `/v1/models/eta/aliases/${alias}`,
      headers: authHeaders,
      payload: { version },
    });

  it('trains on a point-in-time training set, registers with lineage, and serves through the champion alias', async () => {
    const entityRows = [...features].map(([id, [conv, acc]]) => ({
      driver_id: id,
      event_timestamp: hoursAgo(0.1),
      label: conv + 0.5 * acc > 0.75 ? 1 : 0,
    }));
    const set = (
      await h.app.inject({
        method: 'POST',
        url: `/v1/training-sets?features=${INPUTS.join(',')}`,
        headers: authHeaders,
        payload: entityRows,
      })
    ).json<TrainingSet>();
    const trained = await trainFromRows(await trainingSetRows(h.app, set.id), INPUTS, 'label');
    expect(trained.metrics.holdout_accuracy).toBeGreaterThan(0.9);
    models.push(trained.model as LogisticModel);

    expect(
      (
        await h.app.inject({
          method: 'POST',
          url: '/v1/models',
          headers: authHeaders,
          payload: { name: 'eta' },
        })
      ).statusCode,
    ).toBe(201);
    const version = await register(trained.model, {
      training_set_id: set.id,
      metrics: trained.metrics,
      metadata: { feature_stats: trained.feature_stats },
    });
    expect(version).toMatchObject({ version: 1, training_set_id: set.id });
    expect(version.artifact_uri).toMatch(/^file:\/\//);
    expect((await moveAlias('champion', 1)).statusCode).toBe(200);

    const response = await infer([5, 17]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      model_name: 'eta',
      model_version: '1',
      id: 'r1',
      outputs: [{ name: 'probability', datatype: 'FP64', shape: [2] }],
    });
    expect(response.json<InferResponse>().outputs[0]!.data).toEqual([
      expected(1, 5),
      expected(1, 17),
    ]);
  });

  it('serves KServe V2 health, metadata and readiness', async () => {
    expect((await h.app.inject({ headers: authHeaders, url: '/v2/health/live' })).json()).toEqual({
      live: true,
    });
    expect((await h.app.inject({ headers: authHeaders, url: '/v2/health/ready' })).json()).toEqual({
      ready: true,
    });
    expect(
      (await h.app.inject({ headers: authHeaders, url: '/v2/models/eta' })).json(),
    ).toMatchObject({
      name: 'eta',
      inputs: [{ name: 'driver_id', datatype: 'INT64', shape: [-1] }],
    });
    expect(
      (await h.app.inject({ headers: authHeaders, url: '/v2/models/eta/versions/1/ready' })).json(),
    ).toEqual({
      name: 'eta',
      ready: true,
    });
    expect(
      (await h.app.inject({ headers: authHeaders, url: '/v2/models/eta/versions/9/ready' })).json(),
    ).toEqual({
      name: 'eta',
      ready: false,
    });
  });

  it('serves the same prediction over gRPC', async () => {
    const answer = await callUnary<{
      model_version: string;
      outputs: { contents: { fp64_contents: number[] } }[];
    }>(
      client,
      'ModelInfer',
      {
        model_name: 'eta',
        inputs: [
          {
            name: 'driver_id',
            datatype: 'INT64',
            shape: ['2'],
            contents: { int64_contents: ['5', '17'] },
          },
        ],
      },
      { metadata: authMetadata() },
    );
    expect(answer.model_version).toBe('1');
    expect(answer.outputs[0]!.contents.fp64_contents).toEqual([expected(1, 5), expected(1, 17)]);
    expect(
      await callUnary(
        client,
        'ModelReady',
        { name: 'eta', version: '1' },
        { metadata: authMetadata() },
      ),
    ).toEqual({
      ready: true,
    });
  });

  it.each([
    [
      'a wrong input name',
      { inputs: [{ name: 'rider_id', datatype: 'INT64', shape: [1], data: [1] }] },
      400,
      'inference.unknown_input',
    ],
    [
      'a wrong datatype',
      { inputs: [{ name: 'driver_id', datatype: 'FP32', shape: [1], data: [1] }] },
      400,
      'inference.datatype',
    ],
    [
      'a shape that does not fit the data',
      { inputs: [{ name: 'driver_id', datatype: 'INT64', shape: [3], data: [1] }] },
      400,
      'inference.shape',
    ],
    [
      'a key of the wrong type',
      { inputs: [{ name: 'driver_id', datatype: 'INT64', shape: [1], data: ['x'] }] },
      400,
      'feature.wrong_type',
    ],
  ])('answers %s in the protocol error format', async (_name, payload, status, code) => {
    const response = await h.app.inject({
      headers: authHeaders,
      method: 'POST',
      url: '/v2/models/eta/infer',
      payload,
    });
    expect(response.statusCode).toBe(status);
    expect(response.json<Problem>()).toMatchObject({ code });
    expect(typeof response.json<{ error: unknown }>().error).toBe('string');
  });

  it('answers 404 for a model without a champion', async () => {
    expect((await infer([1], 'nope')).statusCode).toBe(404);
  });

  it('refuses at load a model whose inputs do not match the features; the previous version keeps serving', async () => {
    await register({ ...models[0]!, inputs: ['driver_profile:city', 'driver_stats:acc_rate'] });
    const refused = await moveAlias('champion', 2);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'model.schema_mismatch', field: 'inputs' });
    await register({ ...models[0]!, inputs: ['driver_stats:nope', 'driver_stats:acc_rate'] });
    expect((await moveAlias('champion', 3)).json<Problem>().code).toBe('model.schema_mismatch');
    const still = await infer([5]);
    expect(still.json<InferResponse>().model_version).toBe('1');
    expect(
      (await h.app.inject({ headers: authHeaders, url: '/v1/models/eta' })).json<{
        aliases: Record<string, number>;
      }>().aliases,
    ).toEqual({ champion: 1 });
  });

  it('moves the alias while requests are in flight: none fails, each is answered by exactly one version', async () => {
    const challenger = {
      ...models[0]!,
      weights: models[0]!.weights.map((w) => -w),
      bias: -models[0]!.bias,
    };
    models.push(models[0]!, models[0]!, challenger); // versions 2 and 3 were refused; 4 is new
    expect((await register(challenger)).version).toBe(4);
    const ids: number[][] = [];
    const requests: ReturnType<typeof infer>[] = [];
    let pending = 0;
    const send = () => {
      const i = ids.length;
      ids.push([i % DRIVER_COUNT, (i * 7) % DRIVER_COUNT]);
      pending++;
      requests.push(infer(ids[i]!).finally(() => pending--));
    };
    for (let i = 0; i < 200; i++) send();
    await requests[0]; // version 1 is answering
    // Keep requests arriving while the alias moves, whatever the machine's speed, and a few after.
    let pendingWhenMoved: number | undefined;
    const moved = moveAlias('champion', 4).finally(() => (pendingWhenMoved = pending));
    while (pendingWhenMoved === undefined) {
      send();
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < 50; i++) send();
    const responses = await Promise.all(requests);
    expect((await moved).statusCode).toBe(200);
    expect(pendingWhenMoved).toBeGreaterThan(0); // the move landed with requests in flight
    const versions = new Set<string>();
    responses.forEach((response, i) => {
      expect(response.statusCode).toBe(200);
      const { model_version, outputs } = response.json<InferResponse>();
      versions.add(model_version);
      expect(outputs[0]!.data).toEqual(ids[i]!.map((id) => expected(Number(model_version), id)));
    });
    expect([...versions].sort()).toEqual(['1', '4']);
    expect((await infer([5])).json<InferResponse>().model_version).toBe('4');
    const serving = (
      await h.app.inject({ headers: authHeaders, url: '/v1/models/eta/serving' })
    ).json<ServingResponse>();
    expect(serving.batching.largestBatch).toBeGreaterThan(1);
    expect(serving.batching.items).toBeGreaterThan(serving.batching.batches);
  });

  it('sends shadow traffic to the challenger and records the difference', async () => {
    expect((await moveAlias('challenger', 1)).statusCode).toBe(200);
    await Promise.all(Array.from({ length: 20 }, (_, i) => infer([i])));
    await expect
      .poll(
        async () =>
          (
            await h.app.inject({ headers: authHeaders, url: '/v1/models/eta/serving' })
          ).json<ServingResponse>().shadow?.compared,
      )
      .toBeGreaterThanOrEqual(20);
    const { shadow } = (
      await h.app.inject({ headers: authHeaders, url: '/v1/models/eta/serving' })
    ).json<ServingResponse>();
    expect(shadow).toMatchObject({ challenger_version: 1 });
    expect(shadow!.mean_abs_difference).toBeGreaterThan(0);
    expect(shadow!.disagreements).toBeGreaterThan(0);
  });

  it('reports drift between training and served features', async () => {
    await moveAlias('champion', 1);
    await Promise.all(Array.from({ length: 30 }, (_, i) => infer([i * 3, i * 3 + 1])));
    const { drift } = (
      await h.app.inject({ headers: authHeaders, url: '/v1/models/eta/serving' })
    ).json<ServingResponse>();
    expect(drift.version).toBe(1);
    expect(drift.features['driver_stats:conv_rate']!.served).toBeGreaterThanOrEqual(60);
    expect(drift.features['driver_stats:conv_rate']!.psi).toBeGreaterThanOrEqual(0);
  });

  it('serves an ONNX MLP through onnxruntime and refuses one whose inputs or graph do not match', async () => {
    const ids = [...features.keys()];
    const rows = ids.map((id) => features.get(id)!);
    const mlp = trainMlp(
      INPUTS,
      rows,
      rows.map(([conv, acc]) => (conv + 0.5 * acc > 0.75 ? 1 : 0)),
      { epochs: 100 },
    );
    const { version } = await register(onnxArtifactOf(mlp));
    expect((await moveAlias('champion', version)).statusCode).toBe(200);
    const answers = await Promise.all(ids.slice(0, 40).map((id) => infer([id])));
    answers.forEach((answer, i) => {
      expect(answer.json<InferResponse>().model_version).toBe(String(version));
      expect(answer.json<InferResponse>().outputs[0]!.data[0]).toBeCloseTo(
        predictMlp(mlp, [features.get(ids[i]!)!])[0]!,
        5,
      );
    });

    const wrongInputs = await register({
      ...onnxArtifactOf(mlp),
      inputs: ['driver_profile:city', 'driver_stats:acc_rate'],
    });
    const refused = await moveAlias('champion', wrongInputs.version);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'model.schema_mismatch', field: 'inputs' });
    // A graph built for three inputs registered as a two-input model: the runtime's shape check.
    const three = trainMlp([...INPUTS, 'driver_stats:conv_rate'], [[0, 1, 0]], [1], { epochs: 1 });
    const wrongGraph = await register({ ...onnxArtifactOf(three), inputs: INPUTS, means: [0, 0] });
    const refusedGraph = await moveAlias('champion', wrongGraph.version);
    expect(refusedGraph.statusCode).toBe(409);
    expect(refusedGraph.json()).toMatchObject({ code: 'model.schema_mismatch', field: 'onnx' });
    const notOnnx = await register({ ...onnxArtifactOf(mlp), onnx: 'bm90IG9ubng=' });
    expect((await moveAlias('champion', notOnnx.version)).json<Problem>().code).toBe(
      'model.schema_mismatch',
    );
    expect((await infer([5])).json<InferResponse>().model_version).toBe(String(version));
  });
});
