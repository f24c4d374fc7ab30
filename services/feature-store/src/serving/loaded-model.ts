import type { LogisticModel } from '../domain/logistic-regression.ts';
import type { Entity } from '../domain/registry-spec.ts';

/** A model version checked against the registry and ready to run. */
export interface LoadedModel {
  name: string;
  version: number;
  model: LogisticModel;
  entity: Entity;
  metadata: Record<string, unknown>;
}
