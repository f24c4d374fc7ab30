import type { Identifier, IdentifierType, MergeLimits } from '../identifiers/identifier.ts';
import { IDENTIFIER_TYPES, identifierKey } from '../identifiers/identifier.ts';

export type TypeCounts = Record<IdentifierType, number>;

/** What the graph already knows about the identifiers of one event. */
export interface GraphNeighbourhood {
  /** identifierKey → profile id, for identifiers already in the graph. */
  owners: Map<string, string>;
  /** How many identifiers of each type each of those profiles holds. */
  counts: Map<string, TypeCounts>;
  /** Pairs of those profiles that a split's do-not-link rule keeps apart. */
  doNotLink: [string, string][];
}

/** What a merge would break: a type's limit, or a do-not-link rule left by a split. */
export type MergeRule = IdentifierType | 'do_not_link';

export interface DroppedIdentifier {
  identifier: Identifier;
  /** The rule that would have been broken, e.g. the `user_id` limit. */
  rule: MergeRule;
  /** The profile it belongs to, when it was kept out of a merge (not just out of a profile). */
  blockedProfile?: string;
}

export interface ResolutionPlan {
  /** The profile the event lands on; undefined: create one. */
  target: string | undefined;
  /** Profiles merged into the target, in the order decided. */
  absorbed: string[];
  /** Identifiers new to the graph, attached to the target. */
  attached: Identifier[];
  /** Identifiers of the event that stay where they are (or out of the graph). */
  dropped: DroppedIdentifier[];
  /** All identifiers of the event that ended up on the target: the co-occurrence edges. */
  kept: Identifier[];
}

export const emptyCounts = (): TypeCounts =>
  Object.fromEntries(IDENTIFIER_TYPES.map((type) => [type, 0])) as TypeCounts;

function fits(
  counts: TypeCounts,
  extra: TypeCounts,
  limits: MergeLimits,
): IdentifierType | undefined {
  return IDENTIFIER_TYPES.find((type) => counts[type] + extra[type] > limits[type]);
}

function add(counts: TypeCounts, extra: TypeCounts): void {
  for (const type of IDENTIFIER_TYPES) counts[type] += extra[type];
}

/** Each profile with the profiles it must never be merged with. */
function partnersOf(pairs: [string, string][]): Map<string, Set<string>> {
  const partners = new Map<string, Set<string>>();
  for (const [a, b] of pairs) {
    partners.set(a, (partners.get(a) ?? new Set()).add(b));
    partners.set(b, (partners.get(b) ?? new Set()).add(a));
  }
  return partners;
}

function brokenRule(
  owner: string | undefined,
  members: Set<string>,
  partners: Map<string, Set<string>>,
): 'do_not_link' | undefined {
  if (owner === undefined) return undefined;
  const apart = partners.get(owner);
  return apart !== undefined && [...members].some((m) => apart.has(m)) ? 'do_not_link' : undefined;
}

/**
 * Deterministic stitching of one event, Segment Unify style: identifiers are taken strongest
 * first (the caller sorts them); each either joins the growing profile, brings its whole
 * profile along (a merge), or, if that would break a limit or reconnect profiles a split
 * separated, is dropped from this event. So a shared device seen with two user ids stays with
 * the first, and the second login gets a profile of its own.
 */
export function planResolution(
  identifiers: Identifier[],
  graph: GraphNeighbourhood,
  limits: MergeLimits,
): ResolutionPlan {
  const plan: ResolutionPlan = {
    target: undefined,
    absorbed: [],
    attached: [],
    dropped: [],
    kept: [],
  };
  const members = new Set<string>();
  const counts = emptyCounts();
  const partners = partnersOf(graph.doNotLink);
  for (const identifier of identifiers) {
    const owner = graph.owners.get(identifierKey(identifier));
    if (owner !== undefined && members.has(owner)) {
      plan.kept.push(identifier);
      continue;
    }
    const extra = owner === undefined ? single(identifier.type) : graph.counts.get(owner)!;
    const broken = brokenRule(owner, members, partners) ?? fits(counts, extra, limits);
    if (broken !== undefined) {
      plan.dropped.push({
        identifier,
        rule: broken,
        ...(owner === undefined ? {} : { blockedProfile: owner }),
      });
      continue;
    }
    add(counts, extra);
    plan.kept.push(identifier);
    if (owner === undefined) {
      plan.attached.push(identifier);
    } else {
      members.add(owner);
      if (plan.target === undefined) plan.target = owner;
      else plan.absorbed.push(owner);
    }
  }
  return plan;
}

function single(type: IdentifierType): TypeCounts {
  const counts = emptyCounts();
  counts[type] = 1;
  return counts;
}
