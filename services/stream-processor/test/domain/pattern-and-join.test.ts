import { describe, expect, it } from 'vitest';
import { createDataflow } from '../../src/domain/dataflow.ts';
import type { Operator } from '../../src/domain/operator.ts';
import { createPatternOperator } from '../../src/domain/pattern-operator.ts';
import type { Row, StreamRecord } from '../../src/domain/record.ts';
import { createMemoryStore } from '../../src/domain/state-store.ts';
import { createTableJoinOperator } from '../../src/domain/table-join-operator.ts';

const END_OF_TIME = 9e15;

/**
 * Feeds records with a watermark `delay` behind the newest time seen, then ends the input.
 * Processing time stands still (a table is never quiet) until the end of time.
 */
function run(operator: Operator, records: StreamRecord[], delay = 0): Row[] {
  const flow = createDataflow([operator]);
  const out: Row[] = [];
  const sink = (record: StreamRecord) => out.push(record.row);
  let watermark = -1;
  for (const record of records) {
    flow.tick(0, watermark, sink);
    flow.push(record, watermark, sink);
    const next = Math.max(watermark, record.time - delay);
    flow.advance(watermark, next, sink);
    watermark = next;
  }
  flow.tick(END_OF_TIME, END_OF_TIME, sink);
  flow.advance(watermark, END_OF_TIME, sink);
  return out;
}

const MINUTE = 60_000;
const use = (card: string, minute: number, country: string): StreamRecord => ({
  key: card,
  time: 1_000_000 + minute * MINUTE,
  row: { card, country, minute },
});

describe('pattern operator (A followed by B within T, per key)', () => {
  const twoCountries = (late: StreamRecord[] = []) =>
    createPatternOperator({
      first: () => true,
      then: (a, b) => a.country !== b.country,
      withinMs: 10 * MINUTE,
      result: (a, b) => ({
        card: b.row.card,
        from: a.row.country,
        to: b.row.country,
        minute: b.row.minute,
      }),
      store: createMemoryStore(),
      late: (record) => late.push(record),
    });

  it('flags a card used in two countries within 10 minutes, per card', () => {
    const matches = run(twoCountries(), [
      use('c1', 0, 'NL'),
      use('c2', 1, 'FR'),
      use('c1', 4, 'DE'),
      use('c2', 2, 'FR'),
      use('c2', 30, 'ES'),
    ]);
    expect(matches).toEqual([{ card: 'c1', from: 'NL', to: 'DE', minute: 4 }]);
  });

  it('follows event time, not arrival order', () => {
    const arrivals = [use('c1', 5, 'DE'), use('c1', 0, 'NL'), use('c1', 6, 'DE')];
    const matches = run(twoCountries(), arrivals, 10 * MINUTE);
    // Arrival order was DE, NL: in event time NL (0) came first, then DE (5).
    expect(matches).toEqual([{ card: 'c1', from: 'NL', to: 'DE', minute: 5 }]);
  });

  it('forgets a pending start after T (state TTL), and sends events behind the watermark to the late output', () => {
    const late: StreamRecord[] = [];
    const operator = twoCountries(late);
    const matches = run(operator, [
      use('c1', 0, 'NL'),
      use('c1', 11, 'DE'),
      use('c1', 40, 'FR'),
      use('c1', 3, 'BE'),
    ]);
    expect(matches).toEqual([]);
    expect(late.map((record) => record.row.country)).toEqual(['BE']);
  });
});

describe('stream-table join', () => {
  const join = (ttlMs?: number) =>
    createTableJoinOperator({
      isTableRow: (row) => row.kind === 'user',
      tableKey: (row) => String(row.id),
      streamKey: (row) => String(row.user),
      combine: (click, user) => ({ page: click.page, name: user.name }),
      ttlMs,
      tableIdleTimeoutMs: 5_000,
      store: createMemoryStore(),
    });
  const user = (id: number, name: string, time: number) => ({
    key: String(id),
    time,
    row: { kind: 'user', id, name },
  });
  const click = (id: number, page: string, time: number) => ({
    key: String(id),
    time,
    row: { kind: 'click', user: id, page },
  });

  it('enriches each event with the latest table row of its key (inner join)', () => {
    const out = run(join(), [
      user(1, 'Ann', 0),
      click(1, '/a', 1),
      click(2, '/b', 2),
      user(1, 'Annie', 3),
      click(1, '/c', 4),
    ]);
    expect(out).toEqual([
      { page: '/a', name: 'Ann' },
      { page: '/c', name: 'Annie' },
    ]);
  });

  it('joins a row only with events no older than it (as of event time)', () => {
    // Ann registered at 10: a click at 5, arriving after her row, happened before she existed.
    const out = run(join(), [user(1, 'Ann', 10), click(1, '/a', 5), click(1, '/b', 10)]);
    expect(out).toEqual([{ page: '/b', name: 'Ann' }]);
  });

  it('forgets table rows not updated within the TTL', () => {
    const out = run(join(1_000), [user(1, 'Ann', 0), click(1, '/a', 500), click(1, '/b', 5_000)]);
    expect(out).toEqual([{ page: '/a', name: 'Ann' }]);
  });

  it('joins an event with a row that arrives after it, as of the event time', () => {
    // Ann (registered at 3) reaches the task after her click at 5; user 2 never registers.
    const out = run(join(), [
      click(1, '/a', 5),
      click(2, '/b', 4),
      user(1, 'Ann', 3),
      user(3, 'Cy', 9),
    ]);
    expect(out).toEqual([{ page: '/a', name: 'Ann' }]);
  });

  it('joins each waiting event with the version of the row at its time', () => {
    const out = run(join(), [
      user(1, 'Ann', 0),
      click(1, '/a', 5),
      user(1, 'Annie', 10),
      click(1, '/b', 12),
      user(1, 'Anna', 20),
    ]);
    expect(out).toEqual([
      { page: '/a', name: 'Ann' },
      { page: '/b', name: 'Annie' },
    ]);
  });

  it('releases waiting events once the table has passed them, dropping those without a row', () => {
    const flow = createDataflow([join()]);
    const out: Row[] = [];
    const sink = (record: StreamRecord) => out.push(record.row);
    for (const record of [click(1, '/a', 5), click(2, '/b', 6), click(1, '/c', 8)]) {
      flow.tick(0, -1, sink);
      flow.push(record, -1, sink);
    }
    expect(out).toEqual([]);
    flow.push(user(1, 'Ann', 7), -1, sink);
    // /a and /b are before 7: /a finds no row yet at 5 (Ann is younger), /b never will.
    expect(out).toEqual([]);
    flow.push(user(9, 'Zed', 8), -1, sink);
    expect(out).toEqual([{ page: '/c', name: 'Ann' }]);
    expect(flow.output(100)).toBe(8);
  });

  it('waits for a quiet table at most the idle timeout (processing time), then joins what it holds', () => {
    const flow = createDataflow([join()]);
    const out: Row[] = [];
    const sink = (record: StreamRecord) => out.push(record.row);
    const at = (now: number, record: StreamRecord, watermark: number) => {
      flow.tick(now, watermark, sink);
      flow.push(record, watermark, sink);
    };
    at(0, user(1, 'Ann', 0), -1);
    at(1_000, click(1, '/a', 100), 0);
    expect(flow.output(50)).toBe(0);
    flow.tick(4_999, 50, sink);
    expect(out).toEqual([]);
    flow.tick(5_000, 50, sink);
    expect(out).toEqual([{ page: '/a', name: 'Ann' }]);
    // Still quiet: a new event joins at once, and the join no longer holds its output back.
    at(6_000, click(1, '/b', 200), 150);
    expect(out).toEqual([
      { page: '/a', name: 'Ann' },
      { page: '/b', name: 'Ann' },
    ]);
    expect(flow.output(150)).toBe(150);
  });
});
