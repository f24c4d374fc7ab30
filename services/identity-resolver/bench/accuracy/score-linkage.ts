export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  truePairs: number;
  predictedPairs: number;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

function scoresOf(predicted: Set<string>, truth: Set<string>): Scores {
  let hits = 0;
  for (const pair of predicted) if (truth.has(pair)) hits++;
  const precision = predicted.size === 0 ? 1 : hits / predicted.size;
  const recall = truth.size === 0 ? 1 : hits / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePairs: truth.size, predictedPairs: predicted.size };
}

function pairsWithin(groups: Iterable<string[]>): Set<string> {
  const pairs = new Set<string>();
  for (const group of groups) {
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++) pairs.add(pairKey(group[i]!, group[j]!));
  }
  return pairs;
}

/**
 * Pairwise scores of the direct match links, and of the clusters (every pair inside a
 * predicted cluster counts as linked, which is what a profile built from it means).
 */
export function scoreLinkage(
  truth: Map<string, string>,
  links: [string, string][],
  clusters: string[][],
) {
  const entities = new Map<string, string[]>();
  for (const [recordId, entity] of truth) {
    const members = entities.get(entity) ?? [];
    members.push(recordId);
    entities.set(entity, members);
  }
  const truePairs = pairsWithin(entities.values());
  const linked = new Set(links.map(([a, b]) => pairKey(a, b)));
  return {
    pairwise: scoresOf(linked, truePairs),
    cluster: scoresOf(pairsWithin(clusters), truePairs),
  };
}
