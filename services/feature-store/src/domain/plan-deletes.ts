import { ConflictError } from '@scale-models/errors';
import { parseFeatureRef } from './feature-ref.ts';
import type { PlannedChange } from './plan-apply.ts';
import type { Registry, RegistryKind, RegistrySpec, Versioned } from './registry-spec.ts';

/** What registered models were built from, as recorded by the model registry. */
export interface ModelLineage {
  /** `model vN` */
  model: string;
  featureService?: string;
  /** Feature references of the version's training set. */
  features: string[];
}

/**
 * What `apply --prune` removes: every current object `desired` no longer declares. Refused
 * whole (409 `registry.in_use`) when something that stays depends on a removed object: a view
 * on its entity, a feature service on its views, a model version on its feature service or on
 * the views its training set read (lineage must stay resolvable).
 */
export function planDeletes(
  current: Registry,
  desired: RegistrySpec,
  lineage: ModelLineage[],
): PlannedChange[] {
  const kept = {
    entity: new Set((desired.entities ?? []).map((e) => e.name)),
    feature_view: new Set((desired.feature_views ?? []).map((v) => v.name)),
    feature_service: new Set((desired.feature_services ?? []).map((s) => s.name)),
  };
  const removed = <T>(kind: RegistryKind, objects: Map<string, Versioned<T>>) =>
    [...objects].filter(([name]) => !kept[kind].has(name));
  const entities = removed('entity', current.entities);
  const views = removed('feature_view', current.featureViews);
  const services = removed('feature_service', current.featureServices);

  for (const [name] of entities) {
    const users = (desired.feature_views ?? []).filter((v) => v.entities.includes(name));
    refuseIfUsed(
      'entity',
      name,
      users.map((v) => `feature view ${v.name}`),
    );
  }
  for (const [name] of views) {
    const services = (desired.feature_services ?? []).filter((s) =>
      s.features.some((ref) => parseFeatureRef(ref).view === name),
    );
    const models = lineage.filter((m) =>
      m.features.some((ref) => parseFeatureRef(ref).view === name),
    );
    refuseIfUsed('feature_view', name, [
      ...services.map((s) => `feature service ${s.name}`),
      ...models.map((m) => `model ${m.model}`),
    ]);
  }
  for (const [name] of services) {
    const models = lineage.filter((m) => m.featureService === name);
    refuseIfUsed(
      'feature_service',
      name,
      models.map((m) => `model ${m.model}`),
    );
  }
  const tombstone =
    (kind: RegistryKind) =>
    ([name, stored]: [string, Versioned<PlannedChange['spec']>]): PlannedChange => ({
      kind,
      name,
      version: stored.version + 1,
      spec: stored.spec,
      deleted: true,
    });
  return [
    ...services.map(tombstone('feature_service')),
    ...views.map(tombstone('feature_view')),
    ...entities.map(tombstone('entity')),
  ];
}

function refuseIfUsed(kind: RegistryKind, name: string, users: string[]): void {
  if (users.length === 0) return;
  throw new ConflictError(
    'registry.in_use',
    `${kind} ${name} cannot be removed: ${users.join(', ')} still use it`,
    { details: { kind, name, field: name, used_by: users } },
  );
}
