import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS, hoursAgo } from '../support/fixtures.ts';
import { countOf } from '../support/responses.ts';
import type { Problem, RegistryResponse, TrainingSet } from '../support/responses.ts';
import type { RegistrySpec } from '../../src/domain/registry-spec.ts';

interface PruneResponse {
  changes: { kind: string; name: string; version: number; deleted?: boolean }[];
}

const [STATS, PROFILE] = DRIVERS.feature_views!;
const [ACTIVITY] = DRIVERS.feature_services!;
/** DRIVERS without driver_profile: its feature service no longer reads `rating`. */
const WITHOUT_PROFILE: RegistrySpec = {
  entities: DRIVERS.entities,
  feature_views: [STATS!],
  feature_services: [{ ...ACTIVITY!, features: ['driver_stats:conv_rate'] }],
};

describe('apply --prune: removing objects the file no longer declares', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await apply(DRIVERS);
  });
  afterAll(() => h.close());

  function apply(spec: RegistrySpec, prune = false) {
    return h.app.inject({
      method: 'POST',
      url: `/v1/apply${prune ? '?prune=true' : ''}`,
      headers: authHeaders,
      payload: spec,
    });
  }
  const objectCount = () => countOf(h.pool, 'SELECT count(*) FROM registry_objects');
  const viewNames = async () =>
    (await h.app.inject({ url: '/v1/registry', headers: authHeaders }))
      .json<RegistryResponse>()
      .feature_views.map((v) => v.name)
      .sort();
  const expectInUse = async (spec: RegistrySpec, name: string, usedBy: string) => {
    const before = await objectCount();
    const response = await apply(spec, true);
    expect(response.statusCode).toBe(409);
    const problem = response.json<Problem & { used_by: string[] }>();
    expect(problem.code).toBe('registry.in_use');
    expect(problem.detail).toContain(name);
    expect(problem.detail).toContain(usedBy);
    expect(await objectCount()).toBe(before); // nothing written
  };

  it('without prune, apply never removes anything', async () => {
    expect((await apply({ feature_views: [STATS!] })).json<PruneResponse>().changes).toEqual([]);
    expect(await viewNames()).toEqual(['driver_profile', 'driver_stats']);
  });

  it('refuses to remove a view a remaining feature service reads', async () => {
    await expectInUse(
      { ...DRIVERS, feature_views: [STATS!] },
      'driver_profile',
      'feature service driver_activity',
    );
  });

  it('refuses to remove an entity a remaining view uses', async () => {
    await expectInUse({ ...DRIVERS, entities: [] }, 'entity driver', 'feature view driver_stats');
  });

  it('removes what the file no longer declares, as new versions marked deleted', async () => {
    const response = await apply(WITHOUT_PROFILE, true);
    expect(response.statusCode).toBe(200);
    expect(response.json<PruneResponse>().changes).toEqual([
      { kind: 'feature_service', name: 'driver_activity', version: 2 },
      { kind: 'feature_view', name: 'driver_profile', version: 2, deleted: true },
    ]);
    expect(await viewNames()).toEqual(['driver_stats']);
    const online = await h.app.inject({
      method: 'POST',
      url: '/v1/get-online-features',
      headers: authHeaders,
      payload: { features: ['driver_profile:city'], entities: { driver_id: [1] } },
    });
    expect(online.statusCode).toBe(400);
    expect(online.json<Problem>().code).toBe('feature.unknown');
    const history = await h.app.inject({
      url: '/v1/registry/feature_view/driver_profile/history',
      headers: authHeaders,
    });
    expect(
      history.json<{ versions: { version: number; deleted: boolean }[] }>().versions,
    ).toMatchObject([
      { version: 1, deleted: false },
      { version: 2, deleted: true },
    ]);
  });

  it('checks a removed view declared again against its last spec, then brings it back', async () => {
    const retyped = {
      ...PROFILE!,
      features: PROFILE!.features.map((f) => ({ ...f, dtype: 'int64' as const })),
    };
    const refused = await apply({ feature_views: [retyped] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<Problem>().code).toBe('registry.incompatible_change');
    const back = await apply({ feature_views: [PROFILE!] });
    expect(back.json<PruneResponse>().changes).toEqual([
      { kind: 'feature_view', name: 'driver_profile', version: 3 },
    ]);
    expect(await viewNames()).toEqual(['driver_profile', 'driver_stats']);
  });

  it('refuses to remove a feature service or a view that a model version was built from', async () => {
    const send = (url: string, payload: object) =>
      h.app.inject({ method: 'POST', url, headers: authHeaders, payload });
    const trainingSet = await h.app.inject({
      method: 'POST',
      url: '/v1/training-sets?features=driver_profile:rating',
      headers: { ...authHeaders, 'content-type': 'text/csv' },
      payload: `driver_id,event_timestamp\n1001,${hoursAgo(1)}\n`,
    });
    expect(trainingSet.statusCode).toBe(201);
    await send('/v1/models', { name: 'eta' });
    const artifact = {
      kind: 'logistic-regression',
      inputs: ['driver_stats:conv_rate'],
      weights: [1],
      bias: 0,
      means: [0],
      scales: [1],
    };
    expect(
      (await send('/v1/models/eta/versions', { artifact, feature_service: 'driver_activity' }))
        .statusCode,
    ).toBe(201);
    expect(
      (
        await send('/v1/models/eta/versions', {
          artifact,
          training_set_id: trainingSet.json<TrainingSet>().id,
        })
      ).statusCode,
    ).toBe(201);
    await expectInUse({ ...DRIVERS, feature_services: [] }, 'driver_activity', 'model eta v1');
    await expectInUse(WITHOUT_PROFILE, 'driver_profile', 'model eta v2');
  });
});
