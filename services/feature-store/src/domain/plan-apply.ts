import { ConflictError, InputError } from '@scale-models/errors';
import { parseFeatureRef } from './feature-ref.ts';
import type {
  Entity,
  FeatureService,
  FeatureView,
  Registry,
  RegistryKind,
  RegistrySpec,
  Versioned,
} from './registry-spec.ts';

/**
 * One object `apply` writes: a new object (version 1), a compatible change (version + 1), or
 * with `--prune` a removal (version + 1, `deleted`).
 */
export interface PlannedChange {
  kind: RegistryKind;
  name: string;
  version: number;
  spec: Entity | FeatureView | FeatureService;
  deleted?: boolean;
}

/**
 * Decides what applying `desired` to `current` writes, or refuses it whole. Compatible changes
 * bump the version; a change that would break stored rows, trained models or online keys
 * (a join key's name or type, a view's entities or their order, a feature removed or retyped)
 * is refused: declare a new object instead, as Feast users do.
 */
export function planApply(
  current: Registry,
  desired: RegistrySpec,
  removed: Registry = emptyRegistry(),
): PlannedChange[] {
  const entities = desired.entities ?? [];
  const views = desired.feature_views ?? [];
  const services = desired.feature_services ?? [];
  requireUniqueNames('entity', entities);
  requireUniqueNames('feature_view', views);
  requireUniqueNames('feature_service', services);
  const entitiesAfter = new Map([...current.entities].map(([name, e]) => [name, e.spec]));
  for (const entity of entities) entitiesAfter.set(entity.name, entity);
  const viewsAfter = new Map([...current.featureViews].map(([name, v]) => [name, v.spec]));
  for (const view of views) viewsAfter.set(view.name, view);
  return [
    ...entities.flatMap((entity) =>
      changeOf('entity', current.entities, removed.entities, entity, checkEntity),
    ),
    ...views.flatMap((view) => {
      requireKnownEntities(entitiesAfter, view);
      requireUniqueNames('feature', view.features);
      return changeOf('feature_view', current.featureViews, removed.featureViews, view, checkView);
    }),
    ...services.flatMap((service) => {
      service.features.forEach((ref) => requireFeature(viewsAfter, ref, service.name));
      return changeOf(
        'feature_service',
        current.featureServices,
        removed.featureServices,
        service,
        () => undefined,
      );
    }),
  ];
}

// A removed object declared again comes back as its next version, checked against its last
// spec like any change: the offline rows stored under its name are still there.
function changeOf<T extends Entity | FeatureView | FeatureService>(
  kind: RegistryKind,
  current: Map<string, Versioned<T>>,
  removed: Map<string, Versioned<T>>,
  spec: T,
  check: (before: T, after: T) => void,
): PlannedChange[] {
  const tombstone = removed.get(spec.name);
  const stored = current.get(spec.name) ?? tombstone;
  if (stored === undefined) return [{ kind, name: spec.name, version: 1, spec }];
  if (tombstone === undefined && sameSpec(stored.spec, spec)) return [];
  check(stored.spec, spec);
  return [{ kind, name: spec.name, version: stored.version + 1, spec }];
}

export function emptyRegistry(): Registry {
  return { entities: new Map(), featureViews: new Map(), featureServices: new Map() };
}

function checkEntity(before: Entity, after: Entity): void {
  if (before.join_key !== after.join_key || before.value_type !== after.value_type) {
    refuse(
      'entity',
      after.name,
      'join_key',
      `its join key ${before.join_key} (${before.value_type}) cannot change`,
    );
  }
}

function checkView(before: FeatureView, after: FeatureView): void {
  // The entities and their order make the view's keys: any change orphans its stored rows.
  if (before.entities.join() !== after.entities.join()) {
    refuse(
      'feature_view',
      after.name,
      'entities',
      `its entities [${before.entities.join(', ')}] cannot change`,
    );
  }
  const afterTypes = new Map(after.features.map((f) => [f.name, f.dtype]));
  for (const feature of before.features) {
    const dtype = afterTypes.get(feature.name);
    if (dtype === undefined) {
      refuse(
        'feature_view',
        after.name,
        `features.${feature.name}`,
        `feature ${feature.name} cannot be removed`,
      );
    }
    if (dtype !== feature.dtype) {
      refuse(
        'feature_view',
        after.name,
        `features.${feature.name}`,
        `feature ${feature.name} cannot change type from ${feature.dtype} to ${dtype}`,
      );
    }
  }
}

// Each entity must exist, once, and their join keys must differ: a row names its key values
// by join key, so two entities sharing one could not both be given.
function requireKnownEntities(entities: Map<string, Entity>, view: FeatureView): void {
  const joinKeys = new Set<string>();
  view.entities.forEach((name, i) => {
    const field = `feature_views.${view.name}.entities[${i}]`;
    const entity = entities.get(name);
    if (entity === undefined) {
      throw new InputError(
        'registry.unknown_entity',
        `feature view ${view.name} names unknown entity ${name}`,
        { details: { field } },
      );
    }
    if (joinKeys.has(entity.join_key)) {
      throw new InputError(
        'registry.duplicate_join_key',
        `feature view ${view.name}: join key ${entity.join_key} (entity ${name}) is already used by another of its entities`,
        { details: { field } },
      );
    }
    joinKeys.add(entity.join_key);
  });
}

function refuse(kind: RegistryKind, name: string, field: string, why: string): never {
  throw new ConflictError(
    'registry.incompatible_change',
    `${kind} ${name}: ${why}; declare a new ${kind} instead`,
    {
      details: { kind, name, field },
    },
  );
}

function requireFeature(views: Map<string, FeatureView>, ref: string, service: string): void {
  const { view, feature } = parseFeatureRef(ref);
  const found = views.get(view)?.features.some((f) => f.name === feature) ?? false;
  if (!found) {
    throw new InputError(
      'registry.unknown_feature',
      `feature service ${service} names unknown feature ${ref}`,
      {
        details: { field: `feature_services.${service}.features`, feature: ref },
      },
    );
  }
}

function requireUniqueNames(kind: string, items: { name: string }[]): void {
  const seen = new Set<string>();
  for (const { name } of items) {
    if (seen.has(name)) {
      throw new InputError('registry.duplicate_name', `${kind} ${name} is declared twice`, {
        details: { field: name },
      });
    }
    seen.add(name);
  }
}

function sameSpec(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

// Key order in a YAML file carries no meaning; sort it away before comparing.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
