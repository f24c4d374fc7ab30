import type pg from 'pg';
import type { ModelVersion } from '../../src/adapters/model-registry.ts';
import type { MaterializeReport } from '../../src/adapters/materializer.ts';
import type { TrainingSet } from '../../src/adapters/training-sets.ts';
import type { BatcherStats } from '../../src/domain/dynamic-batcher.ts';
import type { DriftReport } from '../../src/serving/drift-monitor.ts';
import type { FeatureFreshness } from '../../src/serving/freshness-monitor.ts';
import type { V2Tensor } from '../../src/serving/inference-protocol.ts';
import type { ShadowStats } from '../../src/serving/shadow-recorder.ts';

// The JSON bodies tests read, typed once so assertions stay type-checked.
export interface Problem {
  code: string;
  detail: string;
  field?: string;
  errors?: { pointer: string }[];
}
export interface OnlineResponse {
  metadata: { feature_names: string[] };
  results: { values: unknown[]; statuses: string[]; event_timestamps: (string | null)[] }[];
}
export interface ApplyResponse {
  changes: { kind: string; name: string; version: number }[];
}
export interface RegistryResponse {
  feature_views: { name: string }[];
}
export interface HistoryResponse {
  versions: { version: number }[];
}
export interface MaterializeResponse {
  reports: MaterializeReport[];
}
export interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: (V2Tensor & { data: number[] })[];
}
export interface ServingResponse {
  champion: number | null;
  batching: BatcherStats;
  shadow: ShadowStats | null;
  drift: DriftReport;
}
export interface FreshnessResponse {
  features: Record<string, FeatureFreshness>;
}
export type { ModelVersion, TrainingSet };

/** `SELECT count(*) …` as a number. */
export async function countOf(pool: pg.Pool, sql: string): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(sql);
  return Number(rows[0]!.count);
}
