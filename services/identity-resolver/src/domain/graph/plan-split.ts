import type { Identifier } from '../identifiers/identifier.ts';
import { identifierKey, priorityOf } from '../identifiers/identifier.ts';
import { connectedComponents } from './connected-components.ts';

/** One profile after a split: the identifiers still linked to each other by evidence. */
export interface SplitPart {
  identifiers: Identifier[];
  /** The part that keeps the profile id (and its consent); the others get new profiles. */
  keepsProfile: boolean;
}

/** Strongest first (user_id before email before …), then by key: a total, stable order. */
export function compareStrength(a: Identifier, b: Identifier): number {
  return (
    priorityOf(a.type) - priorityOf(b.type) || identifierKey(a).localeCompare(identifierKey(b))
  );
}

/**
 * The profiles a profile falls into once some evidence is removed: the connected components
 * of its identifiers over the edges that remain. The part holding the strongest identifier
 * (the logged-in customer's user_id, say) keeps the profile id, so lookups and references to
 * the customer stay valid; one part means the profile stays whole.
 */
export function planSplit(
  identities: Identifier[],
  remainingEdges: [string, string][],
): SplitPart[] {
  const byKey = new Map(identities.map((identifier) => [identifierKey(identifier), identifier]));
  // Edges to identifiers outside the profile (none should exist) cannot hold it together.
  const links = remainingEdges.filter(([a, b]) => byKey.has(a) && byKey.has(b));
  const parts = connectedComponents([...byKey.keys()], links)
    .map((keys) => keys.map((key) => byKey.get(key)!).sort(compareStrength))
    .sort((a, b) => compareStrength(a[0]!, b[0]!));
  return parts.map((identifiers, index) => ({ identifiers, keepsProfile: index === 0 }));
}

/**
 * The do-not-link rules that make a split stick: one per pair of parts, between their
 * strongest identifiers (each pair ordered by key). Not the identifiers the split named: a
 * wrong merge can come back through any identifier the two sides hold (the replayed login
 * carries the user_id, not only the shared tablet), whereas each side's strongest identifier
 * stands for the person, so the merge logic refuses whatever evidence would reconnect them.
 */
export function doNotLinkRules(parts: SplitPart[]): [Identifier, Identifier][] {
  const strongest = parts.map((part) => part.identifiers[0]!);
  return strongest.flatMap((a, i) =>
    strongest
      .slice(i + 1)
      .map((b): [Identifier, Identifier] =>
        identifierKey(a) < identifierKey(b) ? [a, b] : [b, a],
      ),
  );
}
