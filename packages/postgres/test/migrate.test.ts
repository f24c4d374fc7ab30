import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { migrate } from '../src/index.ts';
import { checksumOf } from '../src/load-migrations.ts';
import { createDatabase, testPool } from './support.ts';
import type { Database } from './support.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function freshDatabase(): Promise<Database> {
  const database = await createDatabase('migrate');
  cleanups.push(database.close);
  return database;
}

/** A directory holding `files` (name → SQL), as a service's migrations/ would. */
async function migrationsDirectory(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'migrations-'));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(directory, name), sql);
  return directory;
}

const ORDERS = {
  '0001_create_orders.sql': 'CREATE TABLE orders (id uuid PRIMARY KEY);',
  // Sorts after 0001 only by number: a string sort would put 10 before 2.
  '0010_add_total.sql': 'ALTER TABLE orders ADD COLUMN total_minor bigint NOT NULL DEFAULT 0;',
  '0002_add_currency.sql': `ALTER TABLE orders ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR';`,
};

async function appliedRows(
  pool: pg.Pool,
): Promise<{ name: string; version: number; checksum: string }[]> {
  const { rows } = await pool.query<{ name: string; version: number; checksum: string }>(
    'SELECT name, version, checksum FROM schema_migrations ORDER BY applied_at, version',
  );
  return rows;
}

describe('migrate', () => {
  it('applies files in version order and records their checksums', async () => {
    const { pool } = await freshDatabase();
    const directory = await migrationsDirectory(ORDERS);
    const applied = await migrate(pool, { directories: [directory] });
    const expected = [
      {
        version: 1,
        name: '0001_create_orders.sql',
        checksum: checksumOf(ORDERS['0001_create_orders.sql']),
      },
      {
        version: 2,
        name: '0002_add_currency.sql',
        checksum: checksumOf(ORDERS['0002_add_currency.sql']),
      },
      {
        version: 10,
        name: '0010_add_total.sql',
        checksum: checksumOf(ORDERS['0010_add_total.sql']),
      },
    ];
    expect(applied).toEqual(expected);
    expect(await appliedRows(pool)).toEqual(expected);
    expect(expected[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    await pool.query(`INSERT INTO orders VALUES (gen_random_uuid(), 'USD', 100)`);
  });

  it('does nothing when run again', async () => {
    const { pool } = await freshDatabase();
    const directory = await migrationsDirectory(ORDERS);
    await migrate(pool, { directories: [directory] });
    expect(await migrate(pool, { directories: [directory] })).toEqual([]);
    expect(await appliedRows(pool)).toHaveLength(3);
  });

  it('refuses to run when an applied migration was edited, naming the file and both checksums', async () => {
    const { pool } = await freshDatabase();
    const directory = await migrationsDirectory(ORDERS);
    await migrate(pool, { directories: [directory] });
    const edited = 'CREATE TABLE orders (id uuid PRIMARY KEY, note text);';
    await writeFile(join(directory, '0001_create_orders.sql'), edited);
    await writeFile(join(directory, '0011_add_note.sql'), 'ALTER TABLE orders ADD COLUMN n text;');

    const refusal = migrate(pool, { directories: [directory] });
    await expect(refusal).rejects.toMatchObject({
      code: 'migration.checksum_mismatch',
      details: {
        file: join(directory, '0001_create_orders.sql'),
        appliedChecksum: checksumOf(ORDERS['0001_create_orders.sql']),
        fileChecksum: checksumOf(edited),
      },
    });
    await expect(refusal).rejects.toThrow(
      new RegExp(
        `0001_create_orders.sql was edited.*${checksumOf(ORDERS['0001_create_orders.sql'])}.*${checksumOf(edited)}`,
      ),
    );
    expect(await appliedRows(pool)).toHaveLength(3); // nothing new ran
  });

  it('refuses to run when an applied migration is missing', async () => {
    const { pool } = await freshDatabase();
    const directory = await migrationsDirectory(ORDERS);
    await migrate(pool, { directories: [directory] });
    await rm(join(directory, '0002_add_currency.sql'));
    await expect(migrate(pool, { directories: [directory] })).rejects.toMatchObject({
      code: 'migration.missing',
      message: expect.stringContaining('0002_add_currency.sql') as unknown,
    });
  });

  it('refuses a new migration that sorts before one already applied', async () => {
    const { pool } = await freshDatabase();
    const directory = await migrationsDirectory(ORDERS);
    await migrate(pool, { directories: [directory] });
    await writeFile(join(directory, '0003_late.sql'), 'SELECT 1;');
    await expect(migrate(pool, { directories: [directory] })).rejects.toMatchObject({
      code: 'migration.out_of_order',
    });
  });

  it('refuses files not named like 0001_name.sql, before touching the database', async () => {
    const { pool } = await freshDatabase();
    const directory = await migrationsDirectory({ 'create-orders.sql': 'SELECT 1;' });
    await expect(migrate(pool, { directories: [directory] })).rejects.toMatchObject({
      code: 'migration.bad_name',
    });
  });

  it('rolls back a failing migration alone, keeps earlier ones, and applies it once fixed', async () => {
    const { pool } = await freshDatabase();
    const directory = await migrationsDirectory({
      '0001_create_orders.sql': ORDERS['0001_create_orders.sql'],
      // The first statement would succeed; the second fails, so the whole file must roll back.
      '0002_broken.sql': 'CREATE TABLE half (id int);\nALTER TABLE no_such_table ADD COLUMN x int;',
      '0003_after.sql': 'CREATE TABLE after_broken (id int);',
    });
    await expect(migrate(pool, { directories: [directory] })).rejects.toThrow(
      /0002_broken\.sql failed and was rolled back: relation "no_such_table" does not exist/,
    );
    expect((await appliedRows(pool)).map((row) => row.name)).toEqual(['0001_create_orders.sql']);
    const { rows } = await pool.query(
      `SELECT to_regclass('half') AS half, to_regclass('after_broken') AS after`,
    );
    expect(rows[0]).toEqual({ half: null, after: null });

    await writeFile(join(directory, '0002_broken.sql'), 'CREATE TABLE half (id int);');
    const applied = await migrate(pool, { directories: [directory] });
    expect(applied.map((migration) => migration.name)).toEqual([
      '0002_broken.sql',
      '0003_after.sql',
    ]);
  });

  it('applies each migration exactly once when two replicas start at the same moment', async () => {
    const { db, pool } = await freshDatabase();
    const files: Record<string, string> = {
      '0001_create_runs.sql': 'CREATE TABLE runs (name text NOT NULL);',
    };
    for (let version = 2; version <= 6; version += 1) {
      // Each file records that it ran; a second run would add a second row.
      const name = `000${version}_step.sql`;
      files[name] = `INSERT INTO runs VALUES ('${name}'); SELECT pg_sleep(0.02);`;
    }
    const directory = await migrationsDirectory(files);
    const replicas = [pool, testPool(db.url, 'replica_b')];
    cleanups.unshift(() => replicas[1]?.end() ?? Promise.resolve());

    const results = await Promise.all(
      replicas.map((replica) => migrate(replica, { directories: [directory] })),
    );

    expect(results.map((result) => result.length).sort()).toEqual([0, 6]);
    const { rows } = await pool.query<{ name: string; runs: string }>(
      'SELECT name, count(*) AS runs FROM runs GROUP BY name ORDER BY name',
    );
    expect(rows).toEqual(
      ['0002', '0003', '0004', '0005', '0006'].map((v) => ({ name: `${v}_step.sql`, runs: '1' })),
    );
    expect(await appliedRows(pool)).toHaveLength(6);
  });

  it('applies the outbox migrations first when asked, beside the service’s own', async () => {
    const { pool } = await freshDatabase();
    const directory = await migrationsDirectory(ORDERS);
    const applied = await migrate(pool, { directories: [directory], outbox: true });
    expect(applied.map((migration) => migration.name)).toEqual([
      '0001_outbox_create_outbox_events.sql',
      '0001_create_orders.sql',
      '0002_add_currency.sql',
      '0010_add_total.sql',
    ]);
    const { rows } = await pool.query(`SELECT to_regclass('outbox_events') AS outbox`);
    expect(rows[0]).toEqual({ outbox: 'outbox_events' });
  });
});
