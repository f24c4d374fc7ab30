import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '@scale-models/errors';

export interface MigrationFile {
  /** The numeric prefix: `0003_add_totals.sql` is version 3. */
  version: number;
  /** The file name, the migration's identity in schema_migrations. */
  name: string;
  path: string;
  sql: string;
  /** sha256 of the SQL, hex, with CRLF line ends read as LF (a checkout may convert them). */
  checksum: string;
}

const FILE_NAME = /^(\d+)_([a-z0-9_]+)\.sql$/;

/**
 * Reads each directory's `*.sql` files in version order. The result keeps one list per
 * source, in the order given, because ordering rules apply within a source; `files` form one
 * more source of their own.
 */
export async function loadMigrations(
  directories: readonly string[],
  files: readonly string[],
): Promise<MigrationFile[][]> {
  const sources: string[][] = [];
  for (const directory of directories) {
    const names = (await readdir(directory)).filter((name) => name.endsWith('.sql'));
    sources.push(names.map((name) => join(directory, name)));
  }
  if (files.length > 0) sources.push([...files]);
  const loaded = await Promise.all(sources.map(loadSource));
  refuseDuplicateNames(loaded.flat());
  return loaded;
}

async function loadSource(paths: readonly string[]): Promise<MigrationFile[]> {
  const migrations = await Promise.all(paths.map(loadFile));
  migrations.sort((a, b) => a.version - b.version);
  for (let index = 1; index < migrations.length; index += 1) {
    const [previous, current] = [migrations[index - 1], migrations[index]];
    if (previous !== undefined && current !== undefined && previous.version === current.version) {
      throw new InputError(
        'migration.duplicate_version',
        `migrations ${previous.path} and ${current.path} share version ${current.version}`,
        { details: { files: [previous.path, current.path] } },
      );
    }
  }
  return migrations;
}

async function loadFile(path: string): Promise<MigrationFile> {
  const name = basename(path);
  const match = FILE_NAME.exec(name);
  if (match === null) {
    throw new InputError(
      'migration.bad_name',
      `migration file ${path} must be named like 0001_create_orders.sql (digits, underscore, lowercase words)`,
      { details: { file: path } },
    );
  }
  const sql = await readFile(path, 'utf8');
  return { version: Number(match[1]), name, path, sql, checksum: checksumOf(sql) };
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replaceAll('\r\n', '\n')).digest('hex');
}

function refuseDuplicateNames(migrations: readonly MigrationFile[]): void {
  const seen = new Map<string, string>();
  for (const { name, path } of migrations) {
    const other = seen.get(name);
    if (other !== undefined) {
      throw new InputError(
        'migration.duplicate_name',
        `migration ${name} appears twice (${other} and ${path}); file names identify migrations`,
        { details: { files: [other, path] } },
      );
    }
    seen.set(name, path);
  }
}
