import {
  addToHistogram,
  emptyHistogram,
  populationStabilityIndex,
} from '../domain/population-stability.ts';
import type { Histogram } from '../domain/population-stability.ts';
import type { LoadedModel } from './loaded-model.ts';

export interface DriftReport {
  version?: number;
  /** Per input: PSI of served values against the training set, and how many were served. */
  features: Record<string, { psi: number; served: number }>;
}

/**
 * Compares served feature values with the training set's distribution (the histograms the
 * training step stored in the version's metadata as `feature_stats`).
 */
export function createDriftMonitor(): {
  record(model: LoadedModel, inputs: (number | null)[][]): void;
  report(name: string): DriftReport;
} {
  const served = new Map<string, { model: LoadedModel; byRef: Map<string, Histogram> }>();
  return {
    record(model, inputs) {
      const expected = trainingStatsOf(model);
      if (expected === undefined) return;
      let entry = served.get(model.name);
      if (entry?.model.version !== model.version) {
        entry = { model, byRef: new Map() };
        served.set(model.name, entry);
      }
      model.model.inputs.forEach((ref, j) => {
        const edges = expected[ref]?.edges;
        if (edges === undefined) return;
        const histogram = entry.byRef.get(ref) ?? emptyHistogram(edges);
        for (const row of inputs) if (row[j] !== null) addToHistogram(histogram, row[j]!);
        entry.byRef.set(ref, histogram);
      });
    },
    report(name) {
      const entry = served.get(name);
      if (entry === undefined) return { features: {} };
      const expected = trainingStatsOf(entry.model)!;
      const features = Object.fromEntries(
        [...entry.byRef].map(([ref, histogram]) => [
          ref,
          {
            psi: populationStabilityIndex(expected[ref]!, histogram),
            served: histogram.counts.reduce((a, b) => a + b, 0),
          },
        ]),
      );
      return { version: entry.model.version, features };
    },
  };
}

function trainingStatsOf(model: LoadedModel): Record<string, Histogram> | undefined {
  return model.metadata.feature_stats as Record<string, Histogram> | undefined;
}
