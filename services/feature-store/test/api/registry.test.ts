import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS } from '../support/fixtures.ts';
import { countOf } from '../support/responses.ts';
import type {
  ApplyResponse,
  HistoryResponse,
  Problem,
  RegistryResponse,
} from '../support/responses.ts';

describe('registry apply', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const apply = (body: unknown, yaml = false) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/apply',
      headers: { ...authHeaders, 'content-type': yaml ? 'application/yaml' : 'application/json' },
      payload: yaml ? stringify(body) : JSON.stringify(body),
    });
  const objectCount = () => countOf(h.pool, 'SELECT count(*) FROM registry_objects');

  it('creates every object at version 1 from YAML, and a second apply changes nothing', async () => {
    const first = await apply(DRIVERS, true);
    expect(first.statusCode).toBe(200);
    expect(first.json<ApplyResponse>().changes).toHaveLength(4);
    expect(first.json<ApplyResponse>().changes.every((c) => c.version === 1)).toBe(true);
    expect((await apply(DRIVERS)).json<ApplyResponse>().changes).toEqual([]);
    const registry = (
      await h.app.inject({ headers: authHeaders, url: '/v1/registry' })
    ).json<RegistryResponse>();
    expect(registry.feature_views.map((v) => v.name).sort()).toEqual([
      'driver_profile',
      'driver_stats',
    ]);
  });

  it('bumps the version for a compatible change and keeps the history', async () => {
    const view = {
      ...DRIVERS.feature_views![0]!,
      ttl_seconds: 7200,
      features: [...DRIVERS.feature_views![0]!.features, { name: 'late', dtype: 'bool' as const }],
    };
    const response = await apply({ feature_views: [view] });
    expect(response.json<ApplyResponse>().changes).toEqual([
      { kind: 'feature_view', name: 'driver_stats', version: 2 },
    ]);
    const history = (
      await h.app.inject({
        headers: authHeaders,
        url: '/v1/registry/feature_view/driver_stats/history',
      })
    ).json<HistoryResponse>();
    expect(history.versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it.each([
    [
      'a removed feature',
      {
        feature_views: [
          { ...DRIVERS.feature_views![0]!, features: [{ name: 'conv_rate', dtype: 'float64' }] },
        ],
      },
      'features.acc_rate',
    ],
    [
      'a retyped feature',
      {
        feature_views: [
          {
            ...DRIVERS.feature_views![0]!,
            features: [
              { name: 'conv_rate', dtype: 'string' },
              ...DRIVERS.feature_views![0]!.features.slice(1),
            ],
          },
        ],
      },
      'features.conv_rate',
    ],
    [
      'a changed join key',
      { entities: [{ ...DRIVERS.entities![0]!, value_type: 'string' }] },
      'join_key',
    ],
  ])('refuses %s with 409 and writes nothing', async (_name, spec, field) => {
    const before = await objectCount();
    const response = await apply({
      ...spec,
      feature_services: [{ name: 'new_service', features: ['driver_stats:conv_rate'] }],
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'registry.incompatible_change', field });
    expect(await objectCount()).toBe(before);
  });

  it('refuses references to unknown entities and features with 400', async () => {
    const unknownEntity = await apply({
      feature_views: [{ ...DRIVERS.feature_views![0]!, name: 'orphan', entities: ['rider'] }],
    });
    expect(unknownEntity.statusCode).toBe(400);
    expect(unknownEntity.json()).toMatchObject({
      code: 'registry.unknown_entity',
      field: 'feature_views.orphan.entities[0]',
    });
    const unknownFeature = await apply({
      feature_services: [{ name: 'broken', features: ['driver_stats:nope'] }],
    });
    expect(unknownFeature.json()).toMatchObject({
      code: 'registry.unknown_feature',
      feature: 'driver_stats:nope',
    });
  });

  it('refuses a spec that breaks the schema, naming the field', async () => {
    const response = await apply({
      entities: [{ name: 'Bad Name', join_key: 'id', value_type: 'int64' }],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<Problem>().code).toBe('request.invalid');
    expect(response.json<Problem>().errors![0]!.pointer).toContain('/entities/0/name');
  });
});
