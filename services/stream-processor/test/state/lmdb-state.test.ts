import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openTaskState } from '../../src/adapters/lmdb-state.ts';

const folder = () => join(mkdtempSync(join(tmpdir(), 'sp-lmdb-')), 'state');

describe('task state on LMDB', () => {
  it('shows a chunk its own uncommitted changes, merged in key order', async () => {
    const state = openTaskState(folder());
    state.store.put('b', 2);
    state.commit();
    state.store.put('a', 1);
    state.store.put('c', 3);
    state.store.delete('b');
    expect(state.store.get('a')).toBe(1);
    expect(state.store.get('b')).toBeUndefined();
    expect(state.store.range('a', 'z')).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
    expect(state.pending()).toEqual([
      ['a', 1],
      ['c', 3],
      ['b', undefined],
    ]);
    await state.close();
  });

  it('forgets an aborted chunk entirely, as Kafka forgot its transaction', async () => {
    const state = openTaskState(folder());
    state.store.put('count', 1);
    state.commit();
    state.store.put('count', 2);
    state.store.put('other', 'x');
    state.rollback();
    expect(state.store.get('count')).toBe(1);
    expect(state.store.range('', '~')).toEqual([['count', 1]]);
    expect(state.pending()).toEqual([]);
    await state.close();
  });

  it('keeps committed state with its checkpoint across a reopen; clear wipes both', async () => {
    const path = folder();
    const first = openTaskState(path);
    first.store.put('count', 1);
    first.commit({ generation: 'g', changelogOffset: '7', writtenAt: 1 });
    first.store.put('count', 2);
    first.commit(); // no checkpoint given: the old one stays
    first.store.put('uncommitted', true);
    await first.close();

    const second = openTaskState(path);
    expect(second.store.range('', '~')).toEqual([['count', 2]]);
    expect(second.checkpoint()).toEqual({ generation: 'g', changelogOffset: '7', writtenAt: 1 });
    second.store.put('count', 3);
    second.commit(null); // position unknown: the checkpoint is dropped with the commit
    expect(second.checkpoint()).toBeUndefined();
    second.clear();
    expect(second.store.range('', '~')).toEqual([]);
    await second.close();
  });

  it('holds more state than the heap: 300 MB of state in a process limited to a 64 MB heap', () => {
    const script = fileURLToPath(new URL('../fixtures/big-state.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--max-old-space-size=64', script, folder()], {
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toMatchObject({ keys: 300_000, checked: true });
  });
});
