/** How a trait seen with different values in different events gets its one value. */
export type ConflictRule = 'most_recent' | 'first_seen' | 'source_priority';

export interface TraitRules {
  /** Per trait name; traits not named use `default`. */
  traits: Record<string, ConflictRule>;
  default: ConflictRule;
  /** Source names, most trusted first (for `source_priority`); unnamed sources come last. */
  sourcePriority: string[];
}

export interface TraitObservation {
  traits: Record<string, unknown>;
  source: string;
  /** ISO 8601 event time. */
  at: string;
  /** Breaks ties between observations at the same instant, so the result never depends on order. */
  messageId: string;
}

export interface ResolvedTrait {
  value: unknown;
  source: string;
  at: string;
}

type Candidate = ResolvedTrait & { messageId: string };

/** One value per trait from every identify a profile received, by the declared rules. */
export function resolveTraits(
  observations: TraitObservation[],
  rules: TraitRules,
): Record<string, ResolvedTrait> {
  const best = new Map<string, Candidate>();
  for (const observation of observations) {
    for (const [name, value] of Object.entries(observation.traits)) {
      if (value === undefined) continue;
      const candidate = {
        value,
        source: observation.source,
        at: observation.at,
        messageId: observation.messageId,
      };
      const current = best.get(name);
      if (
        current === undefined ||
        wins(candidate, current, rules.traits[name] ?? rules.default, rules)
      ) {
        best.set(name, candidate);
      }
    }
  }
  return Object.fromEntries(
    [...best.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, { value, source, at }]) => [name, { value, source, at }]),
  );
}

function wins(
  candidate: Candidate,
  current: Candidate,
  rule: ConflictRule,
  rules: TraitRules,
): boolean {
  const later = compareTime(candidate, current) > 0;
  switch (rule) {
    case 'most_recent':
      return later;
    case 'first_seen':
      return !later;
    case 'source_priority': {
      const rank = rankOf(candidate.source, rules) - rankOf(current.source, rules);
      return rank < 0 || (rank === 0 && later);
    }
  }
}

function compareTime(a: Candidate, b: Candidate): number {
  const byTime = Date.parse(a.at) - Date.parse(b.at);
  return byTime !== 0 ? byTime : a.messageId.localeCompare(b.messageId);
}

function rankOf(source: string, rules: TraitRules): number {
  const index = rules.sourcePriority.indexOf(source);
  return index === -1 ? rules.sourcePriority.length : index;
}
