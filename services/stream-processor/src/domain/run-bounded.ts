import type { QueryPlan } from './query-plan.ts';
import type { Row } from './record.ts';
import type { StateStore } from './state-store.ts';
import { createTask } from './task.ts';
import type { TaskOutput } from './task.ts';

export interface BoundedInput {
  source: string;
  key: string | null;
  value: Buffer;
}

export interface BoundedRun {
  results: Row[];
  late: Row[];
  poison: { value: Buffer; error: unknown }[];
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
  const run: BoundedRun = { results: [], late: [], poison: [] };
  const collect = (outputs: TaskOutput[]) => {
    for (const output of outputs)
      (output.kind === 'result' ? run.results : run.late).push(output.record.row);
  };
  for (const input of inputs) {
    let record;
    try {
      record = plan.decode(input.value, input.key);
    } catch (error) {
      run.poison.push({ value: input.value, error });
      continue;
    }
    if (record !== null) collect(task.process(input.source, record, now()));
  }
  collect(task.endOfInput());
  return run;
}
