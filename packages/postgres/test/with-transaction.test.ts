import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../src/index.ts';
import { createDatabase } from './support.ts';
import type { Database } from './support.ts';

let database: Database;

beforeAll(async () => {
  database = await createDatabase('with_transaction');
  await database.pool.query('CREATE TABLE items (id int PRIMARY KEY, note text)');
});
afterAll(() => database.close());

function clientsCheckedOut(): number {
  const { totalCount, idleCount } = database.pool;
  return totalCount - idleCount;
}

async function noteOf(id: number): Promise<string | undefined> {
  const { rows } = await database.pool.query<{ note: string }>(
    'SELECT note FROM items WHERE id = $1',
    [id],
  );
  return rows[0]?.note;
}

describe('withTransaction', () => {
  it('commits what fn did and returns its result, then releases the client', async () => {
    const result = await withTransaction(database.pool, async (client) => {
      await client.query(`INSERT INTO items VALUES (1, 'kept')`);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await noteOf(1)).toBe('kept');
    expect(clientsCheckedOut()).toBe(0);
  });

  it('rolls back and rethrows when fn throws, then releases the client', async () => {
    const failure = new Error('boom');
    await expect(
      withTransaction(database.pool, async (client) => {
        await client.query(`INSERT INTO items VALUES (2, 'lost')`);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await noteOf(2)).toBeUndefined();
    expect(clientsCheckedOut()).toBe(0);
  });

  it('destroys the client when even ROLLBACK fails, and the pool goes on working', async () => {
    await database.pool.query('SELECT 1'); // leaves an idle client, which the transaction reuses
    const before = database.pool.totalCount;
    await expect(
      withTransaction(database.pool, async (client) => {
        await client.query(`INSERT INTO items VALUES (3, 'lost')`);
        // The server ends this very session: the query and then ROLLBACK both fail.
        await client.query('SELECT pg_terminate_backend(pg_backend_pid())');
      }),
    ).rejects.toThrow(/terminat/);
    expect(clientsCheckedOut()).toBe(0);
    expect(database.pool.totalCount).toBe(before - 1);
    expect(await noteOf(3)).toBeUndefined();
  });

  it('runs at the isolation level asked for', async () => {
    const level = await withTransaction(
      database.pool,
      async (client) => {
        const { rows } = await client.query<{ level: string }>(
          `SELECT current_setting('transaction_isolation') AS level`,
        );
        return rows[0]?.level;
      },
      { isolation: 'serializable' },
    );
    expect(level).toBe('serializable');
  });

  describe('on a serialization failure', () => {
    // Two serializable transactions each read the whole table, then insert: whichever commits
    // second fails with 40001. A barrier makes both read before either writes.
    async function collide(
      retries: number,
    ): Promise<{ attempts: number; outcomes: PromiseSettledResult<void>[] }> {
      await database.pool.query('CREATE TABLE IF NOT EXISTS tally (n int)');
      await database.pool.query('TRUNCATE tally');
      let attempts = 0;
      let arrived = 0;
      let release: () => void = () => {};
      const bothRead = new Promise<void>((resolve) => (release = resolve));
      const insertSum = () =>
        withTransaction(
          database.pool,
          async (client) => {
            attempts += 1;
            await client.query('SELECT coalesce(sum(n), 0) FROM tally');
            arrived += 1;
            if (arrived === 2) release();
            await bothRead;
            await client.query('INSERT INTO tally VALUES (1)');
          },
          { isolation: 'serializable', retries },
        );
      const outcomes = await Promise.allSettled([insertSum(), insertSum()]);
      return { attempts, outcomes };
    }

    it('rethrows it (code 40001) when no retries were asked for', async () => {
      const { attempts, outcomes } = await collide(0);
      expect(attempts).toBe(2);
      const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toMatchObject({ reason: { code: '40001' } });
      expect(clientsCheckedOut()).toBe(0);
    });

    it('runs the whole transaction again when retries were asked for', async () => {
      const { attempts, outcomes } = await collide(3);
      expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
      expect(attempts).toBe(3);
      const { rows } = await database.pool.query<{ count: string }>('SELECT count(*) FROM tally');
      expect(rows[0]?.count).toBe('2');
    });
  });
});
