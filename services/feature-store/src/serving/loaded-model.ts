import type { ServableModel } from '../domain/model-schema.ts';
import type { Entity } from '../domain/registry-spec.ts';
import type { ModelRunner } from './model-runner.ts';

/** A model version checked against the registry and ready to run. */
export interface LoadedModel {
  name: string;
  version: number;
  model: ServableModel;
  /** Runs one batch (one `session.run` for an ONNX model). */
  run: ModelRunner;
  /** The entities whose join keys the model's features need: one V2 input each. */
  entities: Entity[];
  metadata: Record<string, unknown>;
}
