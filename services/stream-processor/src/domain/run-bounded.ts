import { InputError } from '@scale-models/errors';
import type { QueryPlan } from './query-plan.ts';
import type { Row } from './record.ts';
import { tableSources } from './stages.ts';
import type { StateStore } from './state-store.ts';
import { createTask } from './task.ts';
import type { Task, TaskOutput } from './task.ts';

export interface BoundedInput {
  source: string;
  key: string | null;
  value: Buffer;
  /** Set on a row of a table's own topic (read with changelog semantics, as on Kafka). */
  table?: string;
}

export interface BoundedRun {
  results: Row[];
  late: Row[];
  poison: { value: Buffer; error: unknown }[];
}

/**
 * Feeds one input to a task as the Kafka runner does: a stream event is decoded by the plan,
 * a table row by its table (rows of tables the plan does not join are not its input).
 * Poison throws an InputError.
 */
export function createInputFeeder(plan: QueryPlan, task: Task, now: () => number) {
  const tables = new Map(tableSources(plan).map((table) => [table.topic, table]));
  return (input: BoundedInput): TaskOutput[] => {
    if (input.table !== undefined) {
      const table = tables.get(input.table);
      return table === undefined ? [] : task.update(table.decode(input.value, input.key), now());
    }
    const record = plan.decode(input.value, input.key);
    return record === null ? [] : task.process(input.source, record, now());
  };
}

/**
 * Runs a plan over a finite list of events in this process and closes every window at the
 * end: the engine alone, for the Nexmark correctness checks and the in-process benchmark.
 */
export function runBounded(
  plan: QueryPlan,
  inputs: Iterable<BoundedInput>,
  store: StateStore,
  now = () => 0,
): BoundedRun {
  const task = createTask(plan, store);
  const feed = createInputFeeder(plan, task, now);
  const run: BoundedRun = { results: [], late: [], poison: [] };
  const collect = (outputs: TaskOutput[]) => {
    for (const output of outputs)
      (output.kind === 'result' ? run.results : run.late).push(output.record.row);
  };
  for (const input of inputs) {
    try {
      collect(feed(input));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      run.poison.push({ value: input.value, error });
    }
  }
  collect(task.endOfInput());
  return run;
}
