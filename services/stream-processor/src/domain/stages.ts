import { statelessOperator } from './operator.ts';
import type { Operator, TableSource } from './operator.ts';
import type { QueryPlan } from './query-plan.ts';
import { createMemoryStore } from './state-store.ts';

/**
 * A repartition step (Kafka Streams' `repartition()`, Flink's keyBy shuffle): after a keyBy,
 * records move to the task that owns their new key. On Kafka the plan is cut here into stages
 * joined by a repartition topic; in one process every key is already in the one task.
 */
export function repartition(): Operator {
  return { ...statelessOperator((record) => [record]), repartition: true };
}

/** The operators between repartition steps: stage 0 reads the input, stage k its repartition topic. */
export function splitStages(operators: Operator[]): Operator[][] {
  const stages: Operator[][] = [[]];
  for (const operator of operators) {
    if (operator.repartition === true) stages.push([]);
    else stages.at(-1)!.push(operator);
  }
  return stages;
}

/** Operators built on a throw-away store, to look at the plan's shape. */
const shapeOf = (plan: QueryPlan) => plan.operators(createMemoryStore(), () => undefined);

export function stageCount(plan: QueryPlan): number {
  return splitStages(shapeOf(plan)).length;
}

/** The tables a plan (or one stage of it) reads from their own topics. */
export function tableSources(plan: QueryPlan): TableSource[] {
  return shapeOf(plan).flatMap((operator) => (operator.table ? [operator.table] : []));
}

/**
 * The part of a plan one stage runs. A stage after a repartition reads records its upstream
 * tasks already decoded and stamped; its watermark is the minimum of theirs (each upstream
 * partition reports its own), not derived from the record times it happens to receive. An
 * upstream partition is idle only when its task says so: the announcement is in the
 * repartition topic, so a replay of the stage decides the same.
 */
export function stagePlan(plan: QueryPlan, stage: number, upstreamPartitions: number): QueryPlan {
  const operators: QueryPlan['operators'] = (store, late) =>
    splitStages(plan.operators(store, late))[stage]!;
  if (stage === 0) return { ...plan, operators };
  return {
    ...plan,
    operators,
    watermark: {
      outOfOrdernessMs: 0,
      idleTimeoutMs: Number.POSITIVE_INFINITY,
      upstream: Array.from({ length: upstreamPartitions }, (_, partition) => String(partition)),
    },
  };
}
