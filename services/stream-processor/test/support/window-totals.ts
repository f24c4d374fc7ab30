// A tumbling-window query over the test clicks and its batch answer, computed directly: what
// the Kafka tests of repartitioning, idle partitions and purging compare their results with.
import type { ClickMessage } from './clicks.ts';

export type ClickColumn = 'user' | 'page';

export const windowTotalsSql = (column: ClickColumn) => `CREATE STREAM ${column}_totals AS
SELECT ${column}, COUNT(*) AS views, SUM(amount) AS total, COUNT(DISTINCT user) AS users, window_start
FROM clicks
GROUP BY ${column}, TUMBLE(ts, INTERVAL '10' SECOND)
EMIT FINAL`;

interface Click {
  user: string;
  page: string;
  amount: number;
  ts: number;
}

function validClick(value: string): Click | undefined {
  try {
    const click = JSON.parse(value) as Click;
    return typeof click.user === 'string' && typeof click.ts === 'number' ? click : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Drops the clicks far behind their own partition: after a repartition, whether they still
 * count depends on how far the other partitions have got, which differs from run to run.
 * Poison stays.
 */
export function withoutFarLate(messages: ClickMessage[]): ClickMessage[] {
  const newest = new Map<number, number>();
  return messages.filter(({ partition, value }) => {
    const ts = validClick(value)?.ts;
    if (ts === undefined) return true;
    const seen = newest.get(partition) ?? ts;
    newest.set(partition, Math.max(seen, ts));
    return seen - ts < 5_000;
  });
}

/**
 * The batch answer of `windowTotalsSql(column)` over every valid click but the closers (page
 * '/', far ahead): they close every other window, and their own stay open.
 */
export function batchWindowTotals(messages: ClickMessage[], column: ClickColumn) {
  const clicks = messages
    .flatMap(({ value }) => validClick(value) ?? [])
    .filter((click) => click.page !== '/');
  const groups = Map.groupBy(clicks, (c) => `${c[column]}|${c.ts - (c.ts % 10_000)}`);
  return [...groups].map(([group, rows]) => ({
    [column]: rows[0]![column],
    views: rows.length,
    total: rows.reduce((sum, row) => sum + row.amount, 0),
    users: new Set(rows.map((row) => row.user)).size,
    window_start: Number(group.split('|')[1]),
  }));
}
