import { describe, expect, it } from 'vitest';
import { createIdlePartitions } from '../../src/domain/idle-partitions.ts';
import type { StreamRecord } from '../../src/domain/record.ts';
import { stagePlan } from '../../src/domain/stages.ts';
import { createMemoryStore } from '../../src/domain/state-store.ts';
import { createTask } from '../../src/domain/task.ts';
import type { TaskOutput } from '../../src/domain/task.ts';
import { planQuery } from '../../src/sql/plan-query.ts';
import { serviceCatalog } from '../../src/streams.ts';

describe('quiet input partitions (fake clock)', () => {
  it('reports a partition once it has sent nothing for the timeout, once per quiet spell', () => {
    const partitions = createIdlePartitions(1_000);
    partitions.assigned([0, 1, 2], 0);
    partitions.heard(0, 500);
    partitions.heard(1, 900);
    // Partition 2 never sent anything: its clock started at the assignment.
    expect(partitions.quiet(999)).toEqual([]);
    expect(partitions.quiet(1_000)).toEqual([2]);
    partitions.announced([2], 1_000);
    expect(partitions.quiet(1_500)).toEqual([0]);
    partitions.announced([0], 1_500);
    expect(partitions.quiet(1_900)).toEqual([1]);
    partitions.announced([1], 1_900);
    expect(partitions.quiet(10_000)).toEqual([]);
    // A message wakes it up; it is reported again after the next quiet spell.
    partitions.heard(2, 10_000);
    expect(partitions.quiet(10_999)).toEqual([]);
    expect(partitions.quiet(11_000)).toEqual([2]);
  });

  it('does not take an outdated announcement for a partition that sent meanwhile', () => {
    const partitions = createIdlePartitions(1_000);
    partitions.assigned([0], 0);
    expect(partitions.quiet(1_000)).toEqual([0]);
    partitions.heard(0, 1_010); // while the announcement was being sent
    partitions.announced([0], 1_000);
    expect(partitions.quiet(2_010)).toEqual([0]);
  });

  it('forgets partitions that moved away and starts the clock of new ones at assignment', () => {
    const partitions = createIdlePartitions(1_000);
    partitions.assigned([0, 1], 0);
    partitions.assigned([1, 2], 500);
    partitions.heard(0, 600); // a late message of a revoked partition counts for nothing
    expect(partitions.quiet(1_000)).toEqual([1]);
    expect(partitions.quiet(1_500)).toEqual([1, 2]);
  });
});

// The second stage of a query cut by a repartition, as its Kafka tasks run it.
const SQL = `CREATE STREAM page_views AS
SELECT page, COUNT(*) AS views, window_start FROM clicks
GROUP BY page, TUMBLE(ts, INTERVAL '10' SECOND) EMIT FINAL`;
const OPTIONS = { allowedLatenessMs: 2_000, outOfOrdernessMs: 0, idleTimeoutMs: 1_000 };

function downstreamTask() {
  const { plan } = planQuery(SQL, serviceCatalog(), OPTIONS);
  return createTask(stagePlan(plan, 1, 2), createMemoryStore());
}

const click = (page: string, ts: number): StreamRecord => ({
  key: JSON.stringify([page]),
  time: ts,
  row: { user: 'u1', page, country: 'NL', amount: 1, ts },
});
const results = (outputs: TaskOutput[]) =>
  outputs.flatMap((output) => (output.kind === 'result' ? [output.record.row] : []));

describe('a stage after a repartition with an idle upstream partition', () => {
  it('waits for a silent upstream partition however long, until it is announced idle', () => {
    const task = downstreamTask();
    task.process('0', click('/a', 1_000), 0);
    task.observe('0', 20_000, 0);
    // Processing time alone never releases it: only the upstream knows it is quiet.
    expect(task.observe('0', 20_000, 1e9)).toEqual([]);
    expect(task.watermark()).toBe(-1);
    expect(results(task.idle('1', 1e9))).toEqual([{ page: '/a', views: 1, window_start: 0 }]);
    expect(task.watermark()).toBe(20_000);
  });

  it('judges a woken source by the allowed lateness: late beyond it, counted within', () => {
    const task = downstreamTask();
    task.process('0', click('/a', 11_000), 0);
    task.observe('0', 20_000, 0);
    task.idle('1', 0);
    // Partition 1 wakes up far behind: the watermark does not go back.
    expect(task.observe('1', 5_000, 10)).toEqual([]);
    expect(task.watermark()).toBe(20_000);
    // [0, 10 s) closed at 12 s: late, with the reason. [10 s, 20 s) is open until 22 s.
    const late = task.process('1', click('/a', 3_000), 10);
    expect(late).toEqual([expect.objectContaining({ kind: 'late', record: click('/a', 3_000) })]);
    expect(task.process('1', click('/a', 15_000), 10)).toEqual([]);
    task.observe('0', 30_000, 20);
    const closed = task.observe('1', 30_000, 20);
    expect(results(closed)).toEqual([{ page: '/a', views: 2, window_start: 10_000 }]);
  });

  it('takes the newest upstream watermark when every upstream partition is idle', () => {
    const task = downstreamTask();
    task.observe('0', 20_000, 0);
    task.observe('1', 15_000, 0);
    task.idle('1', 10);
    expect(task.watermark()).toBe(20_000);
    task.idle('0', 20);
    expect(task.watermark()).toBe(20_000);
  });
});
