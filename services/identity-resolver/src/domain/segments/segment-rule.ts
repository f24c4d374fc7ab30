/**
 * An audience definition: conditions on profile fields (`traits.plan`, `computed.orderCount`)
 * and on event counts over a sliding window, all or any of which must hold.
 */
export type FieldCondition = {
  field: string;
  op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';
  value?: string | number | boolean;
};

export type EventCondition = {
  event: string;
  withinDays: number;
  op: 'gte' | 'lte' | 'eq';
  count: number;
};

export type Condition = FieldCondition | EventCondition;

export interface SegmentRule {
  match: 'all' | 'any';
  conditions: Condition[];
}

/** What a rule is evaluated against. */
export interface ProfileFacts {
  fields: Record<string, unknown>;
  /** Count of `event` in the last `withinDays` days, precomputed for every window the rules name. */
  eventCount(event: string, withinDays: number): number;
}

export const isEventCondition = (condition: Condition): condition is EventCondition =>
  'event' in condition;

/** The (event, window) pairs whose counts an evaluation of these rules needs. */
export function eventWindows(rules: SegmentRule[]): EventCondition[] {
  return rules.flatMap((rule) => rule.conditions.filter(isEventCondition));
}

export function evaluateRule(rule: SegmentRule, facts: ProfileFacts): boolean {
  const holds = (condition: Condition) => evaluateCondition(condition, facts);
  return rule.match === 'all' ? rule.conditions.every(holds) : rule.conditions.some(holds);
}

function evaluateCondition(condition: Condition, facts: ProfileFacts): boolean {
  if (isEventCondition(condition)) {
    return compare(
      facts.eventCount(condition.event, condition.withinDays),
      condition.op,
      condition.count,
    );
  }
  const actual = fieldAt(facts.fields, condition.field);
  if (condition.op === 'exists') return actual !== undefined && actual !== null;
  return compare(actual, condition.op, condition.value);
}

function compare(actual: unknown, op: FieldCondition['op'], expected: unknown): boolean {
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'neq':
      return actual !== expected;
    case 'exists':
      return actual !== undefined;
    default:
      return (
        typeof actual === 'number' && typeof expected === 'number' && ordered(actual, op, expected)
      );
  }
}

function ordered(actual: number, op: 'gt' | 'gte' | 'lt' | 'lte', expected: number): boolean {
  if (op === 'gt') return actual > expected;
  if (op === 'gte') return actual >= expected;
  if (op === 'lt') return actual < expected;
  return actual <= expected;
}

function fieldAt(fields: Record<string, unknown>, path: string): unknown {
  let value: unknown = fields;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Entered and exited segments when membership moves from `before` to `after`. */
export function membershipChanges(before: Set<string>, after: Set<string>) {
  return {
    entered: [...after].filter((id) => !before.has(id)).sort(),
    exited: [...before].filter((id) => !after.has(id)).sort(),
  };
}
