import { ConflictError } from '@scale-models/errors';
import { describe, expect, it } from 'vitest';
import { planApply } from '../../src/domain/plan-apply.ts';
import { planDeletes } from '../../src/domain/plan-deletes.ts';
import type { Registry } from '../../src/domain/registry-spec.ts';
import { DRIVERS } from '../support/fixtures.ts';

/** DRIVERS as stored: every object at version 1. */
function stored(): Registry {
  const at1 = <T extends { name: string }>(items: T[] = []) =>
    new Map(items.map((spec) => [spec.name, { version: 1, spec }]));
  return {
    entities: at1(DRIVERS.entities),
    featureViews: at1(DRIVERS.feature_views),
    featureServices: at1(DRIVERS.feature_services),
  };
}

describe('planDeletes', () => {
  it('removes nothing when the spec declares everything stored', () => {
    expect(planDeletes(stored(), DRIVERS, [])).toEqual([]);
  });

  it('removes dependents before what they depend on, as next versions marked deleted', () => {
    const plan = planDeletes(stored(), {}, []);
    expect(plan.map(({ kind, name, version, deleted }) => [kind, name, version, deleted])).toEqual([
      ['feature_service', 'driver_activity', 2, true],
      ['feature_view', 'driver_stats', 2, true],
      ['feature_view', 'driver_profile', 2, true],
      ['entity', 'driver', 2, true],
    ]);
  });

  it('refuses with registry.in_use when a model version was built from a removed object', () => {
    const lineage = [{ model: 'eta v3', features: ['driver_stats:trips'] }];
    const spec = { ...DRIVERS, feature_views: [DRIVERS.feature_views![1]!], feature_services: [] };
    expect(() => planDeletes(stored(), spec, lineage)).toThrow(ConflictError);
    expect(() => planDeletes(stored(), spec, lineage)).toThrow(/driver_stats.*model eta v3/);
    expect(planDeletes(stored(), spec, [])).toHaveLength(2);
  });
});

describe('planApply after a removal', () => {
  it('declares a removed object again as its next version', () => {
    const removed = stored();
    const current: Registry = { ...stored(), featureServices: new Map() };
    removed.entities.clear();
    removed.featureViews.clear();
    expect(planApply(current, { feature_services: DRIVERS.feature_services }, removed)).toEqual([
      expect.objectContaining({ kind: 'feature_service', name: 'driver_activity', version: 2 }),
    ]);
  });
});
