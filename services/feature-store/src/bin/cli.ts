// The feature-store command line: `apply`, `ingest` and `materialize`, straight against
// PostgreSQL and Redis (as `feast apply` / `feast materialize` are), no server needed.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { Type } from '@scale-models/service-kit';
import { loadConfigOrExit } from '@scale-models/service-kit';
import { Value } from 'typebox/value';
import { materializeViews } from '../adapters/materializer.ts';
import { ingestRecords } from '../adapters/offline-store.ts';
import { createOnlineStore } from '../adapters/online-store.ts';
import { applySpec, loadRegistry } from '../adapters/registry-store.ts';
import { readSourceFile } from '../adapters/source-file.ts';
import { ConfigSchema } from '../config.ts';
import { RegistrySpecSchema } from '../domain/registry-spec.ts';
import { entitiesOfView } from '../domain/resolve-features.ts';
import { connect } from './connect.ts';

const USAGE = `usage:
  feature-store apply [--prune] <registry.yaml|json>
  feature-store ingest <feature-view> <file.csv|file.parquet>
  feature-store materialize [--full] [feature-view ...]`;

const config = loadConfigOrExit(
  Type.Pick(ConfigSchema, ['PG_URL', 'REDIS_URL', 'REDIS_PREFIX', 'MATERIALIZE_BATCH_SIZE']),
);
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    full: { type: 'boolean', default: false },
    prune: { type: 'boolean', default: false },
  },
});
const [command, ...args] = positionals;
const { pool, redis } = await connect(config, 'feature-store-cli');
try {
  console.log(JSON.stringify(await run(command, args), null, 2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await redis.close();
  await pool.end();
}

async function run(name: string | undefined, rest: string[]): Promise<unknown> {
  switch (name) {
    case 'apply': {
      const spec = Value.Default(
        RegistrySpecSchema,
        parseYaml(await readFile(requireArg(rest[0]), 'utf8')),
      );
      if (!Value.Check(RegistrySpecSchema, spec)) {
        const problems = [...Value.Errors(RegistrySpecSchema, spec)]
          .slice(0, 5)
          .map((e) => `${e.instancePath || '/'} ${e.message}`);
        throw new Error(`the registry file is invalid:\n  ${problems.join('\n  ')}`);
      }
      return { changes: await applySpec(pool, spec, { prune: values.prune }) };
    }
    case 'ingest': {
      const registry = await loadRegistry(pool);
      const view = registry.featureViews.get(requireArg(rest[0]))?.spec;
      if (view === undefined) throw new Error(`unknown feature view ${rest[0]}`);
      return {
        feature_view: view.name,
        ingested: await ingestRecords(
          pool,
          view,
          entitiesOfView(registry, view),
          readSourceFile(requireArg(rest[1])),
        ),
      };
    }
    case 'materialize':
      return {
        reports: await materializeViews(
          pool,
          createOnlineStore(redis.redis),
          await loadRegistry(pool),
          rest.length === 0 ? undefined : rest,
          {
            mode: values.full ? 'full' : 'incremental',
            batchSize: config.MATERIALIZE_BATCH_SIZE,
          },
        ),
      };
    default:
      throw new Error(USAGE);
  }
}

function requireArg(value: string | undefined): string {
  if (value === undefined) throw new Error(USAGE);
  return value;
}
