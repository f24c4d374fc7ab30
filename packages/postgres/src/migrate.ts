import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { checkApplied } from './check-applied.ts';
import type { AppliedRecord } from './check-applied.ts';
import { loadMigrations } from './load-migrations.ts';
import type { MigrationFile } from './load-migrations.ts';
import { runInTransaction } from './run-in-transaction.ts';

/** The outbox table's migrations, shipped with this package. */
export const outboxMigrationsDirectory = fileURLToPath(new URL('../migrations', import.meta.url));

export interface MigrateOptions {
  /** Directories of `NNNN_name.sql` files, applied source by source in this order. */
  directories?: string[];
  /** Single files, one more source after the directories. */
  files?: string[];
  /** Puts this package's outbox migrations first, so a service needs only its own directory. */
  outbox?: boolean;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

// Session-level lock: the second replica to start waits here, then finds nothing to do.
const LOCK = `hashtextextended('scale-models.migrations', 0)`;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  name text PRIMARY KEY,
  version integer NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Applies the migrations not yet applied, each in its own transaction, under an advisory lock
 * so concurrent runners apply each exactly once. Returns what this call applied. A failing
 * migration rolls back alone and is rethrown naming its file; earlier ones stay applied.
 */
export async function migrate(
  pool: pg.Pool,
  { directories = [], files = [], outbox = false }: MigrateOptions,
): Promise<AppliedMigration[]> {
  const sources = await loadMigrations(
    outbox ? [outboxMigrationsDirectory, ...directories] : directories,
    files,
  );
  const client = await pool.connect();
  const ignore = (): void => {}; // a lost connection surfaces through the running query
  client.on('error', ignore);
  try {
    await client.query(`SELECT pg_advisory_lock(${LOCK})`);
    return await applyPending(client, sources);
  } finally {
    client.removeListener('error', ignore);
    // Ending the session drops the lock on every path, even when the connection broke.
    client.release(true);
  }
}

async function applyPending(
  client: pg.PoolClient,
  sources: MigrationFile[][],
): Promise<AppliedMigration[]> {
  await client.query(CREATE_TABLE);
  const { rows } = await client.query<AppliedRecord>(
    'SELECT name, checksum FROM schema_migrations',
  );
  const applied: AppliedMigration[] = [];
  for (const migration of checkApplied(sources, rows)) {
    await applyOne(client, migration);
    applied.push({
      version: migration.version,
      name: migration.name,
      checksum: migration.checksum,
    });
  }
  return applied;
}

async function applyOne(client: pg.PoolClient, migration: MigrationFile): Promise<void> {
  try {
    await runInTransaction(client, async () => {
      await client.query(migration.sql);
      await client.query(
        'INSERT INTO schema_migrations (name, version, checksum) VALUES ($1, $2, $3)',
        [migration.name, migration.version, migration.checksum],
      );
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`migration ${migration.path} failed and was rolled back: ${reason}`, { cause });
  }
}
