import { InputError } from '@scale-models/errors';
import { parseFeatureRef } from './feature-ref.ts';
import type { Entity, Feature, FeatureView, Registry } from './registry-spec.ts';

export interface ViewSelection {
  view: FeatureView;
  /** The view's entities, in its declared order (the order of its key's values). */
  entities: Entity[];
  features: Feature[];
}

export interface ResolvedFeatures {
  /** The references asked for, in the caller's order (the order of output columns). */
  refs: string[];
  /** The same features grouped by view, in first-use order. */
  views: ViewSelection[];
  /** The feature service they came from, if any, and its version. */
  featureService?: { name: string; version: number };
}

export interface FeatureSelection {
  features?: string[];
  feature_service?: string;
}

/**
 * Resolves a request's features (explicit references or a feature service) against the
 * registry. Unknown names are InputError naming the field, so nothing runs half-resolved.
 */
export function resolveFeatures(registry: Registry, selection: FeatureSelection): ResolvedFeatures {
  const { refs, featureService } = refsOf(registry, selection);
  const views = new Map<string, ViewSelection>();
  for (const ref of refs) {
    const { view: viewName, feature: featureName } = parseFeatureRef(ref);
    const view = registry.featureViews.get(viewName)?.spec;
    const feature = view?.features.find((f) => f.name === featureName);
    if (view === undefined || feature === undefined) {
      throw new InputError('feature.unknown', `unknown feature ${ref}`, {
        details: { field: 'features', feature: ref },
      });
    }
    const selected = views.get(viewName) ?? {
      view,
      entities: entitiesOfView(registry, view),
      features: [],
    };
    if (!selected.features.includes(feature)) selected.features.push(feature);
    views.set(viewName, selected);
  }
  return {
    refs,
    views: [...views.values()],
    ...(featureService === undefined ? {} : { featureService }),
  };
}

function refsOf(
  registry: Registry,
  selection: FeatureSelection,
): Pick<ResolvedFeatures, 'refs' | 'featureService'> {
  if (selection.feature_service !== undefined) {
    const service = registry.featureServices.get(selection.feature_service);
    if (service === undefined) {
      throw new InputError(
        'feature_service.unknown',
        `unknown feature service ${selection.feature_service}`,
        {
          details: { field: 'feature_service' },
        },
      );
    }
    return {
      refs: service.spec.features,
      featureService: { name: service.spec.name, version: service.version },
    };
  }
  const refs = selection.features ?? [];
  if (refs.length === 0) {
    throw new InputError('feature.none_requested', 'name features or a feature_service', {
      details: { field: 'features' },
    });
  }
  return { refs: [...new Set(refs)] };
}

/** A view's entities, in its declared order; apply refuses views naming unknown ones. */
export function entitiesOfView(registry: Registry, view: FeatureView): Entity[] {
  return view.entities.map((name) => registry.entities.get(name)!.spec);
}

/**
 * Every entity the selected views join on, in first-use order: the columns an entity
 * dataframe or an online request must supply (each view takes its own subset). Two entities
 * with one join key name would make a column ambiguous, so that is refused.
 */
export function joinKeysOf(resolved: ResolvedFeatures): Entity[] {
  const byJoinKey = new Map<string, Entity>();
  for (const entity of resolved.views.flatMap((v) => v.entities)) {
    const seen = byJoinKey.get(entity.join_key);
    if (seen !== undefined && seen.name !== entity.name) {
      throw new InputError(
        'feature.join_key_conflict',
        `entities ${seen.name} and ${entity.name} share the join key ${entity.join_key}; request their features separately`,
        { details: { field: 'features', join_key: entity.join_key } },
      );
    }
    byJoinKey.set(entity.join_key, entity);
  }
  return [...byJoinKey.values()];
}
