import { ConflictError, InputError, NotFoundError } from '@scale-models/errors';
import type { ModelRegistry } from '../adapters/model-registry.ts';
import { entityKeyOf } from '../domain/coerce-value.ts';
import { createBatcher } from '../domain/dynamic-batcher.ts';
import type { BatcherStats, DynamicBatcher } from '../domain/dynamic-batcher.ts';
import { checkModelSchema } from '../domain/model-schema.ts';
import type { Registry } from '../domain/registry-spec.ts';
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
  /** Predicts for entity keys with the model behind `champion`, or an explicit version. */
  infer(name: string, version: number | undefined, keys: unknown[]): Promise<Prediction>;
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

interface BatchItem {
  keys: string[];
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
    const { model, entity } = checkModelSchema(
      await options.models.readArtifact(stored),
      options.registry(),
    );
    const run = await createModelRunner(model);
    const entry: LoadedModel = { name, version, model, run, entity, metadata: stored.metadata };
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
    const keys = items.flatMap((item) => item.keys);
    const inputs = await featureMatrix(champion, keys);
    const probabilities = await champion.run(inputs);
    drift.record(champion, inputs);
    if (version === undefined) shadowCall(name, champion, keys, inputs, probabilities);
    let at = 0;
    return items.map((item) => {
      const slice = probabilities.slice(at, (at += item.keys.length));
      return { model: name, version: champion.version, probabilities: slice };
    });
  };

  const featureMatrix = async (
    model: LoadedModel,
    keys: string[],
  ): Promise<(number | null)[][]> => {
    const { values } = await options.features(
      { features: model.model.inputs },
      { [model.entity.join_key]: keys },
    );
    return values.map((row) =>
      row.map((v) => (v.status === 'PRESENT' && v.value !== null ? Number(v.value) : null)),
    );
  };

  // Off the request path: the caller already has its answer when the challenger runs.
  const shadowCall = (
    name: string,
    champion: LoadedModel,
    keys: string[],
    inputs: (number | null)[][],
    answered: number[],
  ): void => {
    const challengerVersion = aliasOf(name, SHADOW_ALIAS);
    if (challengerVersion === undefined || challengerVersion === champion.version) return;
    setImmediate(() => {
      void (async () => {
        const challenger = await load(name, challengerVersion);
        const sameInputs = challenger.model.inputs.join() === champion.model.inputs.join();
        const challengerInputs = sameInputs ? inputs : await featureMatrix(challenger, keys);
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
    async infer(name, version, rawKeys) {
      const model = await served(name, version);
      if (rawKeys.length === 0)
        throw new InputError('inference.empty', 'send at least one entity key', {
          details: { field: 'inputs' },
        });
      const keys = rawKeys.map((raw, i) =>
        entityKeyOf(model.entity.value_type, raw, `inputs.${model.entity.join_key}[${i}]`),
      );
      return batcherOf(name, version).submit({ keys });
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
