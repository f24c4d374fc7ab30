import type { OnlineStore } from '../adapters/online-store.ts';
import { planOnlineRead, onlineValuesOf } from '../domain/online-read.ts';
import type { OnlineReadPlan } from '../domain/online-read.ts';
import type { OnlineValue } from '../domain/online-value.ts';
import type { Registry } from '../domain/registry-spec.ts';
import { resolveFeatures } from '../domain/resolve-features.ts';
import type { FeatureSelection } from '../domain/resolve-features.ts';
import type { FreshnessMonitor } from './freshness-monitor.ts';

export interface OnlineFeatures {
  plan: OnlineReadPlan;
  /** Per entity row, per requested feature. */
  values: OnlineValue[][];
}

export type GetOnlineFeatures = (
  selection: FeatureSelection,
  entities: Record<string, unknown[]>,
) => Promise<OnlineFeatures>;

/** get-online-features: validate, one MGET for every (view, key), judge each value's age. */
export function createOnlineFeatures(
  registry: () => Registry,
  online: OnlineStore,
  freshness: FreshnessMonitor,
): GetOnlineFeatures {
  return async (selection, entities) => {
    const plan = planOnlineRead(resolveFeatures(registry(), selection), entities);
    const rows = await online.read(plan.pairs);
    const now = Date.now();
    const values = onlineValuesOf(plan, rows, now);
    freshness.record(plan.resolved.refs, values, now);
    return { plan, values };
  };
}
