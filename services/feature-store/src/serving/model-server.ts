import { ConflictError, InputError, NotFoundError } from '@scale-models/errors';
import type { ModelRegistry } from '../adapters/model-registry.ts';
import { entityKeyOf } from '../domain/coerce-value.ts';
import { createBatcher } from '../domain/dynamic-batcher.ts';
import type { BatcherStats, DynamicBatcher } from '../domain/dynamic-batcher.ts';
import { checkModelSchema } from '../domain/model-schema.ts';
import type { Registry } from '../domain/registry-spec.ts';
import type { KeyColumns } from './inference-protocol.ts';
import type { GetOnlineFeatures } from './online-features.ts';
import { createDriftMonitor } from './drift-monitor.ts';
import type { DriftReport } from './drift-monitor.ts';
import type { LoadedModel } from './loaded-model.ts';
import { createModelRunner } from './model-runner.ts';
import { createShadowRecorder } from './shadow-recorder.ts';
import type { ShadowStats } from './shadow-recorder.ts';

export const SERVING_ALIAS = 'champion';
export const SHADOW_ALIAS = 'challenger';

export interface BatchingConfig {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxConcurrency: number;
}

export interface Prediction {
  model: string;
  version: number;
  probabilities: number[];
}

export interface ModelServerOptions {
  models: ModelRegistry;
  registry: () => Registry;
  features: GetOnlineFeatures;
  batching: BatchingConfig;
  onError?: (message: string, error: unknown) => void;
}

export interface ModelServer {
  /**
   * Predicts for entity rows (join key → raw keys, one column per join key the model needs) with
   * the model behind `champion`, or an explicit version.
   */
  infer(name: string, version: number | undefined, columns: KeyColumns): Promise<Prediction>;
  /** Loads (checking the schema) before moving the alias: a refused model never serves. */
  moveAlias(name: string, alias: string, version: number): Promise<void>;
  /** Picks up alias moves made elsewhere; a version that fails to load is skipped, logged. */
  syncAliases(): Promise<void>;
  model(name: string, version?: number): Promise<LoadedModel>;
  servedVersion(name: string): number | undefined;
  loadedVersions(name: string): number[];
  batchStats(name: string): BatcherStats | undefined;
  shadowStats(name: string): ShadowStats | undefined;
  drift(name: string): DriftReport;
}

/** Join key → canonical entity keys, one per entity row. */
type EntityColumns = Record<string, string[]>;

/** One request's entity rows: `rows` long columns, one per join key of the model. */
interface BatchItem {
  columns: EntityColumns;
  rows: number;
}

/**
 * The inference server's core: models loaded by alias, one dynamic batcher per served target,
 * features fetched online once per batch, shadow traffic to `challenger`. The batch resolves
 * `champion` when it starts and answers every request in it with that one version, so an
 * alias move never splits a request between versions nor fails one.
 */
export function createModelServer(options: ModelServerOptions): ModelServer {
  const loaded = new Map<string, LoadedModel>(); // `${name}/${version}`
  const aliases = new Map<string, Map<string, number>>();
  const batchers = new Map<string, DynamicBatcher<BatchItem, Prediction>>();
  const shadow = createShadowRecorder();
  const drift = createDriftMonitor();
  const onError = options.onError ?? (() => undefined);

  const load = async (name: string, version: number): Promise<LoadedModel> => {
    const cached = loaded.get(`${name}/${version}`);
    if (cached !== undefined) return cached;
    const stored = await options.models.getVersion(name, version);
    const { model, entities } = checkModelSchema(
      await options.models.readArtifact(stored),
      options.registry(),
      stored.feature_service,
    );
    const run = await createModelRunner(model);
    const entry: LoadedModel = { name, version, model, run, entities, metadata: stored.metadata };
    loaded.set(`${name}/${version}`, entry);
    return entry;
  };

  const aliasOf = (name: string, alias: string): number | undefined =>
    aliases.get(name)?.get(alias);

  const served = async (name: string, version: number | undefined): Promise<LoadedModel> => {
    const target = version ?? aliasOf(name, SERVING_ALIAS);
    if (target === undefined) {
      throw new NotFoundError(
        'model.not_serving',
        `model ${name} has no ${SERVING_ALIAS} version loaded`,
      );
    }
    return load(name, target);
  };

  const runBatch = async (
    name: string,
    version: number | undefined,
    items: BatchItem[],
  ): Promise<Prediction[]> => {
    const champion = await served(name, version);
    const columns = mergedColumns(items);
    const inputs = await featureMatrix(champion, columns);
    const probabilities = await champion.run(inputs);
    drift.record(champion, inputs);
    if (version === undefined) shadowCall(name, champion, columns, inputs, probabilities);
    let at = 0;
    return items.map((item) => {
      const slice = probabilities.slice(at, (at += item.rows));
      return { model: name, version: champion.version, probabilities: slice };
    });
  };

  const featureMatrix = async (
    model: LoadedModel,
    columns: EntityColumns,
  ): Promise<(number | null)[][]> => {
    // Only the model's own join keys: a challenger may need fewer than the champion was sent
    // (one needing a key it was not sent fails with entity.missing_key).
    const entities = Object.fromEntries(
      Object.entries(columns).filter(([key]) => model.entities.some((e) => e.join_key === key)),
    );
    const { values } = await options.features({ features: model.model.inputs }, entities);
    return values.map((row) =>
      row.map((v) => (v.status === 'PRESENT' && v.value !== null ? Number(v.value) : null)),
    );
  };

  // Off the request path: the caller already has its answer when the challenger runs.
  const shadowCall = (
    name: string,
    champion: LoadedModel,
    columns: EntityColumns,
    inputs: (number | null)[][],
    answered: number[],
  ): void => {
    const challengerVersion = aliasOf(name, SHADOW_ALIAS);
    if (challengerVersion === undefined || challengerVersion === champion.version) return;
    setImmediate(() => {
      void (async () => {
        const challenger = await load(name, challengerVersion);
        const sameInputs = challenger.model.inputs.join() === champion.model.inputs.join();
        const challengerInputs = sameInputs ? inputs : await featureMatrix(challenger, columns);
        shadow.record(name, challenger.version, answered, await challenger.run(challengerInputs));
      })().catch((error: unknown) =>
        onError(`shadow call to ${name} v${challengerVersion} failed`, error),
      );
    });
  };

  const batcherOf = (
    name: string,
    version: number | undefined,
  ): DynamicBatcher<BatchItem, Prediction> => {
    const id = version === undefined ? name : `${name}/${version}`;
    let batcher = batchers.get(id);
    if (batcher === undefined) {
      batcher = createBatcher({
        ...options.batching,
        run: (items) => runBatch(name, version, items),
      });
      batchers.set(id, batcher);
    }
    return batcher;
  };

  const setLocalAlias = (name: string, alias: string, version: number): void => {
    const byAlias = aliases.get(name) ?? new Map<string, number>();
    byAlias.set(alias, version);
    aliases.set(name, byAlias);
  };

  return {
    async infer(name, version, rawColumns) {
      const model = await served(name, version);
      const rows = Object.values(rawColumns)[0]?.length ?? 0;
      if (rows === 0)
        throw new InputError('inference.empty', 'send at least one entity key', {
          details: { field: 'inputs' },
        });
      const columns = Object.fromEntries(
        model.entities.map(({ join_key, value_type }) => [
          join_key,
          (rawColumns[join_key] ?? []).map((raw, i) =>
            entityKeyOf(value_type, raw, `inputs.${join_key}[${i}]`),
          ),
        ]),
      );
      return batcherOf(name, version).submit({ columns, rows });
    },
    async moveAlias(name, alias, version) {
      try {
        await load(name, version);
      } catch (error) {
        if (error instanceof InputError) {
          throw new ConflictError(
            error.code,
            `${error.message}; ${alias} stays on version ${aliasOf(name, alias) ?? 'none'}`,
            { details: error.details },
          );
        }
        throw error;
      }
      await options.models.setAlias(name, alias, version);
      setLocalAlias(name, alias, version);
    },
    async syncAliases() {
      for (const { model, alias, version } of await options.models.listAliases()) {
        if (aliasOf(model, alias) === version) continue;
        try {
          await load(model, version);
          setLocalAlias(model, alias, version);
        } catch (error) {
          onError(
            `${model} v${version} (${alias}) refused; keeping v${aliasOf(model, alias) ?? 'none'}`,
            error,
          );
        }
      }
    },
    model: (name, version) => served(name, version),
    servedVersion: (name) => aliasOf(name, SERVING_ALIAS),
    loadedVersions: (name) =>
      [...loaded.values()].filter((m) => m.name === name).map((m) => m.version),
    batchStats: (name) => batchers.get(name)?.stats(),
    shadowStats: (name) => shadow.stats(name),
    drift: (name) => drift.report(name),
  };
}

/** A batch's entity rows as one set of columns: each request's rows, in request order. */
function mergedColumns(items: BatchItem[]): EntityColumns {
  const merged: EntityColumns = {};
  for (const item of items) {
    for (const [joinKey, keys] of Object.entries(item.columns)) {
      (merged[joinKey] ??= []).push(...keys);
    }
  }
  return merged;
}
