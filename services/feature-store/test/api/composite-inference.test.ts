import { status } from '@grpc/grpc-js';
import { callUnary } from '@scale-models/grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predict } from '../../src/domain/logistic-regression.ts';
import type { LogisticModel } from '../../src/domain/logistic-regression.ts';
import { trainFromRows } from '../../src/domain/train-from-rows.ts';
import { FRAUD, hoursAgo } from '../support/fixtures.ts';
import { accountAgeOf, fraudPairs } from '../support/fraud-history.ts';
import { authHeaders, authMetadata, startHarness, trainingSetRows } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import type {
  InferResponse,
  ModelVersion,
  OnlineResponse,
  Problem,
  ServingResponse,
  TrainingSet,
} from '../support/responses.ts';
import { serveGrpc } from '../support/grpc-client.ts';
import type { GrpcClient, ServedGrpc } from '../support/grpc-client.ts';

const FRAUD_SIGNALS = FRAUD.feature_services!.find((s) => s.name === 'fraud_signals')!.features;
const USERS = Array.from({ length: 40 }, (_, i) => i + 1);
const MERCHANTS = ['m0', 'm1', 'm2', 'm3', 'm4'];
const PAIRS = fraudPairs(USERS, MERCHANTS);

interface GrpcInput {
  name: string;
  datatype: string;
  shape: string[];
  contents: { int64_contents?: string[]; bytes_contents?: Buffer[] };
}

describe('a model over a composite join key (fraud_signals: user_id and merchant_id)', () => {
  let h: Harness;
  let grpc: ServedGrpc;
  let client: GrpcClient;
  let model: LogisticModel;

  beforeAll(async () => {
    h = await startHarness({
      registry: FRAUD,
      batching: { maxBatchSize: 16, maxQueueDelayMs: 5, maxConcurrency: 1 },
    });
    await post(
      '/v1/feature-views/user_stats/rows',
      USERS.map((user) => ({
        user_id: user,
        event_timestamp: hoursAgo(2),
        account_age_days: accountAgeOf(user),
      })),
    );
    await post(
      '/v1/feature-views/user_merchant_stats/rows',
      PAIRS.map(({ fraud: _label, ...stats }) => ({ ...stats, event_timestamp: hoursAgo(2) })),
    );
    await post('/v1/materialize', { mode: 'full' });
    grpc = await serveGrpc(h.store, 'grpc_predict_v2.proto');
    client = grpc.client;
  });
  afterAll(async () => {
    await grpc.close();
    await h.close();
  });

  const post = (url: string, payload: unknown) =>
    h.app.inject({ method: 'POST', url, headers: authHeaders, payload: payload as object });
  const keyInputs = (users: unknown[], merchants: unknown[]) => [
    { name: 'user_id', datatype: 'INT64', shape: [users.length], data: users },
    { name: 'merchant_id', datatype: 'BYTES', shape: [merchants.length], data: merchants },
  ];
  const infer = (inputs: object[], url = '/v2/models/fraud/infer') =>
    post(url, { id: 'f1', inputs });
  const grpcInfer = (inputs: GrpcInput[]) =>
    callUnary<{ model_version: string; outputs: { contents: { fp64_contents: number[] } }[] }>(
      client,
      'ModelInfer',
      { model_name: 'fraud', inputs },
      { metadata: authMetadata() },
    );
  const grpcKeyInputs = (users: number[], merchants: string[]): GrpcInput[] => [
    {
      name: 'user_id',
      datatype: 'INT64',
      shape: [String(users.length)],
      contents: { int64_contents: users.map(String) },
    },
    {
      name: 'merchant_id',
      datatype: 'BYTES',
      shape: [String(merchants.length)],
      contents: { bytes_contents: merchants.map((m) => Buffer.from(m)) },
    },
  ];
  /** The model applied to the store's online features for these entity rows. */
  const expected = async (users: number[], merchants: string[]) => {
    const online = (
      await post('/v1/get-online-features', {
        feature_service: 'fraud_signals',
        entities: { user_id: users, merchant_id: merchants },
      })
    ).json<OnlineResponse>();
    const features = online.results.slice(2);
    expect(features.flatMap((column) => column.statuses)).not.toContain('NOT_FOUND');
    const columns = features.map((column) => column.values as number[]);
    return predict(
      model,
      users.map((_, row) => columns.map((column) => column[row]!)),
    );
  };
  const moveAlias = (version: number) =>
    h.app.inject({
      method: 'PUT',
      url: '/v1/models/fraud/aliases/champion',
      headers: authHeaders,
      payload: { version },
    });

  it('trains on a point-in-time training set of fraud_signals and serves it by both keys over REST', async () => {
    const entityRows = PAIRS.map(({ user_id, merchant_id, fraud }) => ({
      user_id,
      merchant_id,
      event_timestamp: hoursAgo(1),
      label: fraud,
    }));
    const set = (
      await post('/v1/training-sets?feature_service=fraud_signals', entityRows)
    ).json<TrainingSet>();
    const rows = await trainingSetRows(h.app, set.id);
    expect(rows).toHaveLength(PAIRS.length);
    const trained = await trainFromRows(rows, FRAUD_SIGNALS, 'label');
    expect(trained.metrics.holdout_accuracy).toBeGreaterThan(0.8);
    model = trained.model as LogisticModel;

    expect((await post('/v1/models', { name: 'fraud' })).statusCode).toBe(201);
    const version = (
      await post('/v1/models/fraud/versions', {
        artifact: model,
        feature_service: 'fraud_signals',
        training_set_id: set.id,
      })
    ).json<ModelVersion>();
    expect(version).toMatchObject({ version: 1, training_set_id: set.id });
    expect((await moveAlias(1)).statusCode).toBe(200);

    const users = [3, 3, 17, 40];
    const merchants = ['m1', 'm4', 'm1', 'm0'];
    const response = await infer(keyInputs(users, merchants));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      model_name: 'fraud',
      model_version: '1',
      outputs: [{ name: 'probability', datatype: 'FP64', shape: [4] }],
    });
    expect(response.json<InferResponse>().outputs[0]!.data).toEqual(
      await expected(users, merchants),
    );
    const pinned = await infer(keyInputs(users, merchants), '/v2/models/fraud/versions/1/infer');
    expect(pinned.json<InferResponse>().outputs[0]!.data).toEqual(await expected(users, merchants));
  });

  it('lists one input per join key in the model metadata', async () => {
    const metadata = await h.app.inject({ headers: authHeaders, url: '/v2/models/fraud' });
    expect(metadata.json()).toMatchObject({
      name: 'fraud',
      inputs: [
        { name: 'user_id', datatype: 'INT64', shape: [-1] },
        { name: 'merchant_id', datatype: 'BYTES', shape: [-1] },
      ],
    });
  });

  it('serves the same predictions over gRPC', async () => {
    const users = [5, 22];
    const merchants = ['m2', 'm3'];
    const answer = await grpcInfer(grpcKeyInputs(users, merchants));
    expect(answer.model_version).toBe('1');
    expect(answer.outputs[0]!.contents.fp64_contents).toEqual(await expected(users, merchants));
  });

  it('merges concurrent requests into batches and answers each with its own rows', async () => {
    const requests = PAIRS.slice(0, 60).map(({ user_id, merchant_id }, i) =>
      i % 2 === 0
        ? infer(keyInputs([user_id], [merchant_id])).then(
            (r) => r.json<InferResponse>().outputs[0]!.data,
          )
        : grpcInfer(grpcKeyInputs([user_id], [merchant_id])).then(
            (a) => a.outputs[0]!.contents.fp64_contents,
          ),
    );
    const answers = await Promise.all(requests);
    const all = await expected(
      PAIRS.slice(0, 60).map((p) => p.user_id),
      PAIRS.slice(0, 60).map((p) => p.merchant_id),
    );
    expect(answers).toEqual(all.map((p) => [p]));
    const serving = (
      await h.app.inject({ headers: authHeaders, url: '/v1/models/fraud/serving' })
    ).json<ServingResponse>();
    expect(serving.batching.largestBatch).toBeGreaterThan(1);
    expect(serving.batching.items).toBeGreaterThan(serving.batching.batches);
  });

  it.each([
    ['a missing key input', [keyInputs([1], ['m1'])[0]!], 'inference.inputs', 'inputs.merchant_id'],
    ['unequal shapes', keyInputs([1, 2], ['m1']), 'inference.shape', 'inputs.merchant_id.shape'],
    [
      'a wrong datatype',
      [
        keyInputs([1], ['m1'])[0]!,
        { name: 'merchant_id', datatype: 'INT64', shape: [1], data: [1] },
      ],
      'inference.datatype',
      'inputs.merchant_id.datatype',
    ],
    [
      'an unknown input name',
      [
        ...keyInputs([1], ['m1']),
        { name: 'device_id', datatype: 'BYTES', shape: [1], data: ['d'] },
      ],
      'inference.unknown_input',
      'inputs.device_id',
    ],
  ])('answers %s with 400 and a code naming the input', async (_name, inputs, code, field) => {
    const response = await infer(inputs);
    expect(response.statusCode).toBe(400);
    expect(response.json<Problem>()).toMatchObject({ code, field });
    expect(response.json<{ error: string }>().error).toContain(field.split('.')[1]);
  });

  it('answers bad inputs over gRPC with INVALID_ARGUMENT and the same codes', async () => {
    const [user, merchant] = grpcKeyInputs([1, 2], ['m1', 'm2']);
    await expect(grpcInfer([user!])).rejects.toMatchObject({
      code: 'inference.inputs',
      details: { field: 'inputs.merchant_id' },
      cause: { code: status.INVALID_ARGUMENT },
    });
    await expect(
      grpcInfer([user!, { ...merchant!, shape: ['1'], contents: { bytes_contents: [] } }]),
    ).rejects.toMatchObject({
      code: 'inference.shape',
      details: { field: 'inputs.merchant_id.shape' },
    });
    await expect(
      grpcInfer([
        user!,
        { ...merchant!, datatype: 'INT64', contents: { int64_contents: ['1', '2'] } },
      ]),
    ).rejects.toMatchObject({
      code: 'inference.datatype',
      details: { field: 'inputs.merchant_id.datatype' },
    });
    await expect(
      grpcInfer([user!, merchant!, { ...merchant!, name: 'device_id' }]),
    ).rejects.toMatchObject({
      code: 'inference.unknown_input',
      details: { field: 'inputs.device_id' },
    });
  });

  it('refuses at load a version whose inputs do not match the registry or its feature service; version 1 keeps serving', async () => {
    const wrong = (
      await post('/v1/models/fraud/versions', {
        artifact: { ...model, inputs: [...FRAUD_SIGNALS.slice(0, 2), 'user_merchant_stats:nope'] },
      })
    ).json<ModelVersion>();
    const refused = await moveAlias(wrong.version);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'model.schema_mismatch', field: 'inputs' });
    const userOnly = {
      ...model,
      inputs: [FRAUD_SIGNALS[0]!],
      weights: [1],
      means: [0],
      scales: [1],
    };
    const keysShort = (
      await post('/v1/models/fraud/versions', {
        artifact: userOnly,
        feature_service: 'fraud_signals',
      })
    ).json<ModelVersion>();
    const refusedKeys = await moveAlias(keysShort.version);
    expect(refusedKeys.statusCode).toBe(409);
    expect(refusedKeys.json()).toMatchObject({
      code: 'model.schema_mismatch',
      field: 'feature_service',
    });
    const still = await infer(keyInputs([9], ['m2']));
    expect(still.json<InferResponse>()).toMatchObject({ model_version: '1' });
    expect(still.json<InferResponse>().outputs[0]!.data).toEqual(await expected([9], ['m2']));
  });
});
