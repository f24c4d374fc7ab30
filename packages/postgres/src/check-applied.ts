import { ConflictError } from '@scale-models/errors';
import type { MigrationFile } from './load-migrations.ts';

export interface AppliedRecord {
  name: string;
  checksum: string;
}

/**
 * Compares what the database has applied with the files, and returns the migrations still to
 * apply, in order. Refuses (ConflictError) when an applied file was edited or is gone, or
 * when a new file sorts before one already applied in its source: each would leave databases
 * that ran different SQL under the same history.
 */
export function checkApplied(
  sources: readonly MigrationFile[][],
  applied: readonly AppliedRecord[],
): MigrationFile[] {
  const byName = new Map(sources.flat().map((file) => [file.name, file]));
  for (const record of applied) {
    const file = byName.get(record.name);
    if (file === undefined) {
      throw new ConflictError(
        'migration.missing',
        `migration ${record.name} was applied to this database but its file is missing; restore it`,
        { details: { name: record.name } },
      );
    }
    if (file.checksum !== record.checksum) {
      throw new ConflictError(
        'migration.checksum_mismatch',
        `migration ${file.path} was edited after it was applied ` +
          `(applied checksum ${record.checksum}, file checksum ${file.checksum}); ` +
          'restore the file and put the change in a new migration',
        {
          details: {
            file: file.path,
            appliedChecksum: record.checksum,
            fileChecksum: file.checksum,
          },
        },
      );
    }
  }
  const done = new Set(applied.map((record) => record.name));
  return sources.flatMap((source) => pendingOf(source, done));
}

function pendingOf(source: readonly MigrationFile[], done: ReadonlySet<string>): MigrationFile[] {
  const lastApplied = source.findLastIndex((file) => done.has(file.name));
  const pending = source.filter((file) => !done.has(file.name));
  const late = pending.find((file) => source.indexOf(file) < lastApplied);
  if (late !== undefined) {
    const after = source[lastApplied]?.name;
    throw new ConflictError(
      'migration.out_of_order',
      `migration ${late.path} is new but sorts before ${after}, which is already applied; ` +
        'give it a higher version',
      { details: { file: late.path, applied: after } },
    );
  }
  return pending;
}
