import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntityKey, encodeEntityKey } from '../../src/domain/entity-key.ts';
import { checkModelSchema } from '../../src/domain/model-schema.ts';
import { planOnlineRead } from '../../src/domain/online-read.ts';
import { parseEntityRow } from '../../src/domain/parse-entity-row.ts';
import { parseFeatureRow } from '../../src/domain/parse-feature-row.ts';
import { emptyRegistry, planApply } from '../../src/domain/plan-apply.ts';
import { planDeletes } from '../../src/domain/plan-deletes.ts';
import type {
  Entity,
  FeatureService,
  FeatureView,
  Registry,
  RegistrySpec,
} from '../../src/domain/registry-spec.ts';
import { joinKeysOf, resolveFeatures } from '../../src/domain/resolve-features.ts';
import { FRAUD } from '../support/fixtures.ts';

/** The registry `spec` makes when applied to an empty one. */
function registryOf(spec: RegistrySpec): Registry {
  const registry = emptyRegistry();
  for (const { kind, name, version, spec: object } of planApply(registry, spec)) {
    if (kind === 'entity') registry.entities.set(name, { version, spec: object as Entity });
    else if (kind === 'feature_view')
      registry.featureViews.set(name, { version, spec: object as FeatureView });
    else registry.featureServices.set(name, { version, spec: object as FeatureService });
  }
  return registry;
}

const fraud = registryOf(FRAUD);
const pairView = FRAUD.feature_views!.find((v) => v.name === 'user_merchant_stats')!;
/** FRAUD plus a `buyer` entity whose join key is also `user_id`, and a view of it. */
const withBuyer = registryOf({
  entities: [...FRAUD.entities!, { name: 'buyer', join_key: 'user_id', value_type: 'string' }],
  feature_views: [
    ...FRAUD.feature_views!,
    { ...pairView, name: 'buyer_stats', entities: ['buyer'] },
  ],
});
const withView = (view: Partial<FeatureView>): RegistrySpec => ({
  feature_views: [{ ...pairView, ...view }],
});

describe('encodeEntityKey', () => {
  it('keeps a one-entity key bare and quotes each part of a composite one', () => {
    expect(encodeEntityKey(['42'])).toBe('42');
    expect(encodeEntityKey(['a:b', 'c'])).toBe('["a:b","c"]');
    expect(encodeEntityKey(['a', 'b:c'])).toBe('["a","b:c"]');
  });

  it('gives distinct tuples distinct keys, and decodes back', () => {
    const tuple = fc.array(fc.string({ unit: 'grapheme' }), { minLength: 2, maxLength: 4 });
    fc.assert(
      fc.property(tuple, tuple, (a, b) => {
        expect(decodeEntityKey(encodeEntityKey(a), a.length)).toEqual(a);
        if (a.length === b.length && a.some((part, i) => part !== b[i]))
          expect(encodeEntityKey(a)).not.toBe(encodeEntityKey(b));
      }),
    );
  });
});

describe('planApply with composite keys', () => {
  it('accepts a view over several entities', () => {
    expect(
      planApply(emptyRegistry(), FRAUD).map(({ kind, name, version }) => [kind, name, version]),
    ).toContainEqual(['feature_view', 'user_merchant_stats', 1]);
  });

  it.each([
    ['adds an entity', ['user', 'merchant', 'device']],
    ['drops an entity', ['user']],
    ['reorders its entities', ['merchant', 'user']],
  ])('refuses a view that %s, naming the field', (_why, entities) => {
    expect(() => planApply(fraud, withView({ entities }))).toThrow(
      expect.objectContaining({
        code: 'registry.incompatible_change',
        details: { kind: 'feature_view', name: 'user_merchant_stats', field: 'entities' },
      }),
    );
  });

  it('refuses an unknown entity, naming its position', () => {
    expect(() =>
      planApply(fraud, withView({ name: 'other', entities: ['user', 'terminal'] })),
    ).toThrow(
      expect.objectContaining({
        code: 'registry.unknown_entity',
        details: { field: 'feature_views.other.entities[1]' },
      }),
    );
  });

  it('refuses an entity listed twice, or two entities with one join key', () => {
    expect(() => planApply(fraud, withView({ name: 'twice', entities: ['user', 'user'] }))).toThrow(
      expect.objectContaining({
        code: 'registry.duplicate_join_key',
        details: { field: 'feature_views.twice.entities[1]' },
      }),
    );
    const buyer = { name: 'buyer', join_key: 'user_id', value_type: 'int64' as const };
    expect(() =>
      planApply(fraud, {
        entities: [buyer],
        feature_views: [{ ...pairView, name: 'shared', entities: ['user', 'buyer'] }],
      }),
    ).toThrow(expect.objectContaining({ code: 'registry.duplicate_join_key' }));
  });

  it('prune keeps an entity while a composite view uses it', () => {
    expect(() => planDeletes(fraud, { ...FRAUD, entities: [FRAUD.entities![0]!] }, [])).toThrow(
      expect.objectContaining({
        code: 'registry.in_use',
        details: expect.objectContaining({ name: 'merchant' }) as unknown,
      }),
    );
  });
});

describe('rows with composite keys', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const at = '2026-06-01T11:00:00Z';
  const entities = [fraud.entities.get('user')!.spec, fraud.entities.get('merchant')!.spec];

  it('keys a feature row by every join key, canonical and in the view order', () => {
    const row = parseFeatureRow(
      pairView,
      entities,
      { merchant_id: 'm:1', user_id: '007', event_timestamp: at, txn_count: 3 },
      'rows[0]',
      now,
    );
    expect(row).toMatchObject({ key: '["7","m:1"]', values: { txn_count: 3 } });
  });

  it.each([
    [{ user_id: 7 }, 'entity.missing_key', 'rows[4].merchant_id'],
    [{ user_id: 7, merchant_id: null }, 'entity.missing_key', 'rows[4].merchant_id'],
    [{ user_id: 'seven', merchant_id: 'm' }, 'feature.wrong_type', 'rows[4].user_id'],
    [{ user_id: 7, merchant_id: 12 }, 'feature.wrong_type', 'rows[4].merchant_id'],
  ])('refuses a feature row %j naming the field', (keys, code, field) => {
    expect(() =>
      parseFeatureRow(pairView, entities, { ...keys, event_timestamp: at }, 'rows[4]', now),
    ).toThrow(
      expect.objectContaining({ code, details: expect.objectContaining({ field }) as unknown }),
    );
  });

  it('keeps the join keys out of an entity dataframe row’s carried columns', () => {
    const row = parseEntityRow(
      entities,
      { user_id: 7, merchant_id: 'm', event_timestamp: at, label: 1 },
      'rows[0]',
      now,
    );
    expect(row).toEqual({ key: '["7","m"]', ts: Date.parse(at), extra: { label: 1 } });
  });
});

describe('planOnlineRead with composite keys', () => {
  const resolved = resolveFeatures(fraud, {
    features: ['user_merchant_stats:txn_count', 'user_stats:account_age_days'],
  });

  it('fetches each view by its own entities’ columns', () => {
    expect(joinKeysOf(resolved).map((e) => e.join_key)).toEqual(['user_id', 'merchant_id']);
    const plan = planOnlineRead(resolved, { user_id: [1, '2'], merchant_id: ['a:b', 'c'] });
    expect(plan.pairs).toEqual([
      { view: 'user_merchant_stats', key: '["1","a:b"]' },
      { view: 'user_merchant_stats', key: '["2","c"]' },
      { view: 'user_stats', key: '1' },
      { view: 'user_stats', key: '2' },
    ]);
  });

  it.each([
    [{ user_id: [1] }, 'entity.missing_key', 'entities.merchant_id'],
    [
      { user_id: [1, 2], merchant_id: ['a', null] },
      'entity.missing_key',
      'entities.merchant_id[1]',
    ],
    [{ user_id: [1, 'x'], merchant_id: ['a', 'b'] }, 'feature.wrong_type', 'entities.user_id[1]'],
    [{ user_id: [1], merchant_id: [true] }, 'feature.wrong_type', 'entities.merchant_id[0]'],
    [{ user_id: [1, 2], merchant_id: ['a'] }, 'entity.length_mismatch', 'entities.merchant_id'],
  ])('refuses %j naming the field', (entities, code, field) => {
    expect(() => planOnlineRead(resolved, entities)).toThrow(
      expect.objectContaining({ code, details: expect.objectContaining({ field }) as unknown }),
    );
  });

  it('refuses features of two entities sharing a join key name', () => {
    expect(() =>
      joinKeysOf(
        resolveFeatures(withBuyer, {
          features: ['user_stats:account_age_days', 'buyer_stats:txn_count'],
        }),
      ),
    ).toThrow(expect.objectContaining({ code: 'feature.join_key_conflict' }));
  });
});

describe('models and composite keys', () => {
  const artifact = {
    kind: 'logistic-regression',
    inputs: ['user_stats:account_age_days', 'user_merchant_stats:txn_count'],
    weights: [1, 1],
    means: [0, 0],
    scales: [1, 1],
    bias: 0,
  };

  it('loads a model whose inputs need two entity keys, taking one input per join key', () => {
    expect(checkModelSchema(artifact, fraud).entities.map((e) => e.join_key)).toEqual([
      'user_id',
      'merchant_id',
    ]);
    const single = { ...artifact, inputs: ['user_stats:account_age_days'], weights: [1] };
    expect(
      checkModelSchema({ ...single, means: [0], scales: [1] }, fraud).entities.map((e) => e.name),
    ).toEqual(['user']);
  });

  it('refuses at load a model registered for a feature service whose join keys it does not need', () => {
    expect(checkModelSchema(artifact, fraud, 'fraud_signals').entities).toHaveLength(2);
    const userOnly = { ...artifact, inputs: ['user_stats:account_age_days'], weights: [1] };
    expect(() =>
      checkModelSchema({ ...userOnly, means: [0], scales: [1] }, fraud, 'fraud_signals'),
    ).toThrow(
      expect.objectContaining({
        code: 'model.schema_mismatch',
        details: expect.objectContaining({ field: 'feature_service' }) as unknown,
      }),
    );
    expect(() => checkModelSchema(artifact, fraud, 'nope')).toThrow(
      expect.objectContaining({ code: 'model.schema_mismatch' }),
    );
  });

  it('refuses at load a model whose entities share a join key name', () => {
    expect(() =>
      checkModelSchema(
        { ...artifact, inputs: ['user_stats:account_age_days', 'buyer_stats:txn_count'] },
        withBuyer,
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'model.schema_mismatch',
        details: expect.objectContaining({ field: 'inputs' }) as unknown,
      }),
    );
  });
});
