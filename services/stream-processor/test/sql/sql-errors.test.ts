import { describe, expect, it } from 'vitest';
import { InputError } from '@scale-models/errors';
import { runBounded } from '../../src/domain/run-bounded.ts';
import { stageCount, stagePlan } from '../../src/domain/stages.ts';
import { createMemoryStore } from '../../src/domain/state-store.ts';
import { createTask } from '../../src/domain/task.ts';
import { nexmarkCatalog } from '../../src/nexmark/catalog.ts';
import { nexmarkEvents } from '../../src/nexmark/generator.ts';
import { NEXMARK_SQL } from '../../src/nexmark/queries.ts';
import { defineTable } from '../../src/sql/define-table.ts';
import { planQuery } from '../../src/sql/plan-query.ts';
import { CLICKS_TOPIC, serviceCatalog } from '../../src/streams.ts';

const OPTIONS = { allowedLatenessMs: 0, outOfOrdernessMs: 0, idleTimeoutMs: 1_000 };

function refusal(
  sql: string,
  compile: (text: string) => unknown = (text) => planQuery(text, serviceCatalog(), OPTIONS),
): { code: string; line: number; column: number; message: string } {
  try {
    compile(sql);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const { code, details, message } = error as InputError;
    return { code, message, line: details!.line as number, column: details!.column as number };
  }
  throw new Error('the query was accepted');
}

describe('SQL errors point at the line and column', () => {
  it.each([
    ['syntax: a missing FROM', 'SELECT user\nWHERE x', 'sql.syntax', 2, 1],
    [
      'syntax: a stray character',
      "SELECT user FROM clicks WHERE page = 'a' ?",
      'sql.syntax',
      1,
      42,
    ],
    [
      'syntax: an unterminated string',
      "SELECT user FROM clicks\nWHERE page = 'oops",
      'sql.syntax',
      2,
      14,
    ],
    ['an unknown column', 'SELECT user, colour\nFROM clicks', 'sql.unknown_column', 1, 14],
    ['an unknown stream', 'SELECT a FROM nowhere', 'sql.unknown_source', 1, 15],
    [
      'aggregation without a window',
      'SELECT user, COUNT(*)\nFROM clicks\nGROUP BY user',
      'sql.unbounded_aggregation',
      3,
      10,
    ],
    [
      'an aggregate without GROUP BY',
      'SELECT COUNT(*) FROM clicks',
      'sql.unbounded_aggregation',
      1,
      8,
    ],
    [
      'a column neither grouped nor aggregated',
      "SELECT page, COUNT(*) FROM clicks GROUP BY user, TUMBLE(ts, INTERVAL '1' MINUTE)",
      'sql.not_grouped',
      1,
      8,
    ],
    [
      'a bad hop',
      "SELECT COUNT(*) FROM clicks GROUP BY HOP(ts, INTERVAL '7' SECOND, INTERVAL '10' SECOND)",
      'sql.bad_window',
      1,
      38,
    ],
    [
      'a stream joined as a table',
      'SELECT A.id FROM auction A JOIN bid B ON A.id = B.auction',
      'sql.unsupported_join',
      1,
      33,
    ],
    [
      'an ambiguous column',
      'SELECT id FROM auction A JOIN persons P ON A.seller = P.id',
      'sql.ambiguous_column',
      1,
      8,
    ],
  ])('%s', (_name, sql, code, line, column) => {
    expect(refusal(sql)).toMatchObject({ code, line, column });
  });

  it.each([
    [
      'a table without a key',
      "CREATE TABLE t (id NUMBER) WITH (topic = 'x')",
      'sql.table_key',
      1,
      1,
    ],
    [
      'an unknown column type',
      "CREATE TABLE t (id UUID PRIMARY KEY) WITH (topic = 'x')",
      'sql.bad_type',
      1,
      20,
    ],
    [
      'an unknown table option',
      "CREATE TABLE t (id NUMBER PRIMARY KEY) WITH (partitions = '3')",
      'sql.table_option',
      1,
      59,
    ],
    [
      'a table without a topic',
      "CREATE TABLE t (id NUMBER PRIMARY KEY) WITH (timestamp = 'id')",
      'sql.table_topic',
      1,
      1,
    ],
    ['a missing WITH', 'CREATE TABLE t (id NUMBER PRIMARY KEY)', 'sql.syntax', 1, 39],
  ])('CREATE TABLE: %s', (_name, sql, code, line, column) => {
    expect(refusal(sql, defineTable)).toMatchObject({ code, line, column });
  });

  it('refuses a table joined on a column other than its primary key', () => {
    const catalog = new Map([
      ...serviceCatalog(),
      [
        'pages',
        defineTable(
          "CREATE TABLE pages (page STRING PRIMARY KEY, title STRING) WITH (topic = 'p')",
        ),
      ],
    ]);
    const sql = 'SELECT C.user FROM clicks C JOIN pages P ON C.page = P.title';
    expect(refusal(sql, (text) => planQuery(text, catalog, OPTIONS))).toMatchObject({
      code: 'sql.unsupported_join',
      line: 1,
      column: 52,
    });
  });

  it("refuses a table on the stream's own topic", () => {
    const catalog = new Map([
      ...serviceCatalog(),
      [
        'users',
        defineTable(
          `CREATE TABLE users (user STRING PRIMARY KEY, name STRING) WITH (topic = '${CLICKS_TOPIC}')`,
        ),
      ],
    ]);
    const sql = 'SELECT C.page FROM clicks C JOIN users U ON C.user = U.user';
    expect(refusal(sql, (text) => planQuery(text, catalog, OPTIONS))).toMatchObject({
      code: 'sql.unsupported_join',
      line: 1,
      column: 34,
    });
  });

  it('says what it expected and what it found', () => {
    expect(refusal('SELECT user FROM clicks EMIT SOON').message).toBe(
      "expected FINAL or CHANGES but found 'SOON' at line 1, column 30",
    );
  });
});

describe('SQL plans', () => {
  it('holds a window after a join until the events waiting for the table have joined', () => {
    const catalog = new Map([
      ...serviceCatalog({ clicks: 'clicks' }),
      [
        'pages',
        defineTable(
          "CREATE TABLE pages (page STRING PRIMARY KEY, title STRING, ts NUMBER) WITH (topic = 'pages', timestamp = 'ts')",
        ),
      ],
    ]);
    const { plan } = planQuery(
      `SELECT P.title, COUNT(*) AS n, window_start FROM clicks C JOIN pages P ON C.page = P.page
       GROUP BY P.title, TUMBLE(C.ts, INTERVAL '10' SECOND)`,
      catalog,
      OPTIONS,
    );
    const click = (page: string, ts: number) => ({
      source: 'p0',
      key: 'u1',
      value: Buffer.from(JSON.stringify({ user: 'u1', page, country: 'NL', amount: 1, ts })),
    });
    const row = (page: string, ts: number) => ({
      source: 'pages',
      table: 'pages',
      key: page,
      value: Buffer.from(JSON.stringify({ page, title: page.toUpperCase(), ts })),
    });
    // The clicks move the watermark past the first window before any page row arrives.
    const inputs = [
      click('/a', 1_000),
      click('/b', 3_000),
      click('/a', 2_000),
      click('/a', 25_000),
    ];
    const run = runBounded(
      plan,
      [...inputs, row('/a', 500), row('/z', 60_000)],
      createMemoryStore(),
    );
    expect(run.late).toEqual([]);
    expect(run.results).toEqual([
      { title: '/A', n: 2, window_start: 0 },
      { title: '/A', n: 1, window_start: 20_000 },
    ]);
  });

  it('filters on WHERE conjuncts that read only the stream before a join and its repartition', () => {
    const catalog = nexmarkCatalog({ events: 'events', persons: 'persons' });
    const auction = [...nexmarkEvents(200, { eventsPerSecond: 500, baseTime: 0 })].find(
      (event) => event.type === 'auction',
    )!;
    const join = 'SELECT P.name, A.id FROM auction A JOIN persons P ON A.seller = P.id WHERE';
    /** The categories of auctions the first stage sends on to the repartition topic. */
    const crossing = (where: string) => {
      const { plan } = planQuery(`${join} ${where}`, catalog, OPTIONS);
      expect(stageCount(plan)).toBe(2);
      const task = createTask(stagePlan(plan, 0, 1), createMemoryStore());
      return [10, 11].filter((category) => {
        const value = Buffer.from(JSON.stringify({ ...auction, category }));
        return task.process('p0', plan.decode(value, null)!, 0).length > 0;
      });
    };
    expect(crossing(NEXMARK_SQL.q3.split('WHERE')[1]!)).toEqual([10]);
    expect(crossing('A.category + 1 = 11 AND NOT A.category IN (3, 4)')).toEqual([10]);
    // A conjunct that reads the table, or an OR across both sides, waits for the joined row.
    expect(crossing("P.state = 'OR'")).toEqual([10, 11]);
    expect(crossing("A.category = 10 OR P.state = 'OR'")).toEqual([10, 11]);
  });

  it('repartitions a GROUP BY only when the input is not partitioned by a group column', () => {
    const stages = (groupBy: string) =>
      stageCount(
        planQuery(
          `SELECT COUNT(*) FROM clicks GROUP BY ${groupBy}, TUMBLE(ts, INTERVAL '10' SECOND)`,
          serviceCatalog(),
          OPTIONS,
        ).plan,
      );
    expect(stages('user')).toBe(1);
    expect(stages('user, page')).toBe(1);
    expect(stages('page')).toBe(2);
    expect(stages('country')).toBe(2);
  });

  it('compiles CREATE STREAM … AS with HAVING and every aggregate', () => {
    const planned = planQuery(
      `CREATE STREAM spenders AS
       SELECT user, COUNT(*) AS n, SUM(amount) AS total, AVG(amount) AS mean, MIN(amount) AS low,
              MAX(amount) AS high, COUNT(DISTINCT page) AS pages, window_start
       FROM clicks WHERE country <> 'XX'
       GROUP BY user, SESSION(ts, INTERVAL '30' SECOND)
       HAVING COUNT(*) > 1 EMIT CHANGES;`,
      serviceCatalog(),
      OPTIONS,
    );
    expect(planned.name).toBe('spenders');
    expect(planned.plan.columns).toEqual([
      'user',
      'n',
      'total',
      'mean',
      'low',
      'high',
      'pages',
      'window_start',
    ]);
  });
});
