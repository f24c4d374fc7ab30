import type { NexmarkQuery } from '../src/nexmark/queries.ts';

export const QUERIES: NexmarkQuery[] = ['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q7', 'q8'];

/** The published Flink 1.13 Nexmark throughput per core named in the issue (events/s). */
export const FLINK_PER_CORE: Partial<Record<NexmarkQuery, string>> = {
  q0: '155K',
  q4: '34K',
  q5: '22K',
  q7: '12K',
};
