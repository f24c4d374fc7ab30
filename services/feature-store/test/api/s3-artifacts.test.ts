import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ArtifactStore } from '../../src/adapters/artifact-store.ts';
import { predict } from '../../src/domain/logistic-regression.ts';
import type { LogisticModel } from '../../src/domain/logistic-regression.ts';
import { authHeaders, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS, hoursAgo } from '../support/fixtures.ts';
import type { InferResponse, ModelVersion } from '../support/responses.ts';
import { S3_ACCESS_KEY, S3_SECRET_KEY, startObjectStore } from '../support/object-store-process.ts';
import type { ObjectStore } from '../support/object-store-process.ts';

const MODEL: LogisticModel = {
  kind: 'logistic-regression',
  inputs: ['driver_stats:conv_rate'],
  weights: [2],
  bias: -1,
  means: [0.5],
  scales: [0.25],
};

describe('model artifacts in the object store (S3 API)', () => {
  let objects: ObjectStore;
  let h: Harness;
  beforeAll(async () => {
    objects = await startObjectStore();
    const credentials = { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY };
    await new S3Client({
      endpoint: objects.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
    }).send(new CreateBucketCommand({ Bucket: 'models' }));
    h = await startHarness({
      artifacts: createS3ArtifactStore({
        endpoint: objects.endpoint,
        bucket: 'models',
        prefix: 'feature-store/',
        ...credentials,
      }),
      registry: DRIVERS,
    });
    await h.app.inject({
      method: 'POST',
      url: '/v1/push',
      headers: authHeaders,
      payload: {
        feature_view: 'driver_stats',
        to: 'online',
        rows: [{ driver_id: 1, event_timestamp: hoursAgo(0.1), conv_rate: 0.9 }],
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await objects.stop();
  });

  it('stores a version artifact through the S3 API and serves the model loaded from it', async () => {
    await h.app.inject({
      method: 'POST',
      url: '/v1/models',
      headers: authHeaders,
      payload: { name: 'eta' },
    });
    const version = (
      await h.app.inject({
        method: 'POST',
        url: '/v1/models/eta/versions',
        headers: authHeaders,
        payload: { artifact: MODEL },
      })
    ).json<ModelVersion>();
    expect(version.artifact_uri).toBe('s3://models/feature-store/eta/1/model.json');
    const stored = await fetch(`${objects.endpoint}/models/feature-store/eta/1/model.json`);
    expect(stored.status).toBe(403); // the object store answers only signed requests
    expect(
      (
        await h.app.inject({
          method: 'PUT',
          url: '/v1/models/eta/aliases/champion',
          headers: authHeaders,
          payload: { version: 1 },
        })
      ).statusCode,
    ).toBe(200);
    const response = await h.app.inject({
      headers: authHeaders,
      method: 'POST',
      url: '/v2/models/eta/infer',
      payload: { inputs: [{ name: 'driver_id', datatype: 'INT64', shape: [1], data: [1] }] },
    });
    expect(response.json<InferResponse>().outputs[0]!.data).toEqual(predict(MODEL, [[0.9]]));
  });
});
