import type { Operator, LateSink } from './operator.ts';
import type { StreamRecord } from './record.ts';
import type { StateStore } from './state-store.ts';
import type { WatermarkOptions } from './watermark-tracker.ts';

/**
 * A continuous query ready to run: how to read an event, the operators (built per task, on
 * that task's state) and the watermark policy. The SQL planner and the dataflow API both
 * produce one.
 */
export interface QueryPlan {
  name: string;
  /**
   * Null for an event of the topic this query does not read; throws an InputError for a
   * poison event (undecodable, no timestamp, wrong types).
   */
  decode(value: Buffer | null, key: string | null): StreamRecord | null;
  operators(store: StateStore, late: LateSink): Operator[];
  watermark: WatermarkOptions;
  /** Output column names in order (for the dashboard and pull queries). */
  columns: string[];
  /** The key under which a result replaces the previous one in a live view. */
  resultKey(record: StreamRecord): string;
}
