export interface ShadowStats {
  challenger_version: number;
  compared: number;
  mean_abs_difference: number;
  max_abs_difference: number;
  /** Predictions on the other side of 0.5 than the champion's. */
  disagreements: number;
}

/** How far the challenger's predictions are from the champion's on the same live requests. */
export function createShadowRecorder(): {
  record(name: string, challengerVersion: number, champion: number[], challenger: number[]): void;
  stats(name: string): ShadowStats | undefined;
} {
  const byModel = new Map<string, ShadowStats>();
  return {
    record(name, challengerVersion, champion, challenger) {
      let entry = byModel.get(name);
      if (entry?.challenger_version !== challengerVersion) {
        entry = {
          challenger_version: challengerVersion,
          compared: 0,
          mean_abs_difference: 0,
          max_abs_difference: 0,
          disagreements: 0,
        };
        byModel.set(name, entry);
      }
      champion.forEach((p, i) => {
        const difference = Math.abs(p - challenger[i]!);
        entry.compared++;
        entry.mean_abs_difference += (difference - entry.mean_abs_difference) / entry.compared;
        entry.max_abs_difference = Math.max(entry.max_abs_difference, difference);
        if (p >= 0.5 !== challenger[i]! >= 0.5) entry.disagreements++;
      });
    },
    stats(name) {
      const entry = byModel.get(name);
      return entry === undefined ? undefined : { ...entry };
    },
  };
}
