import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parquetWriteFile } from 'hyparquet-writer';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS, HOUR } from '../support/fixtures.ts';
import { countOf } from '../support/responses.ts';
import type { ApplyResponse, MaterializeResponse } from '../support/responses.ts';

const CLI = fileURLToPath(new URL('../../src/bin/cli.ts', import.meta.url));
const run = promisify(execFile);

describe('the feature-store command line', () => {
  let h: Harness;
  let folder: string;
  const cli = (...args: string[]) =>
    run(process.execPath, [CLI, ...args], {
      env: {
        ...process.env,
        PG_URL: h.database.url,
        REDIS_PREFIX: h.prefix,
        REDIS_URL: h.redisUrl,
      },
    });

  beforeAll(async () => {
    h = await startHarness();
    folder = await mkdtemp(join(tmpdir(), 'feature-store-cli-'));
  });
  afterAll(async () => {
    await h.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('applies a YAML registry file, and refuses an invalid one naming the problem', async () => {
    await writeFile(join(folder, 'registry.yaml'), stringify(DRIVERS));
    const { stdout } = await cli('apply', join(folder, 'registry.yaml'));
    expect((JSON.parse(stdout) as ApplyResponse).changes).toHaveLength(4);
    await writeFile(
      join(folder, 'bad.yaml'),
      stringify({ entities: [{ name: 'rider', join_key: 'rider_id', value_type: 'uuid' }] }),
    );
    const failed = await cli('apply', join(folder, 'bad.yaml')).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('/entities/0/value_type');
  });

  it('apply --prune removes what the file no longer declares', async () => {
    await writeFile(join(folder, 'pruned.yaml'), stringify({ ...DRIVERS, feature_services: [] }));
    const { stdout } = await cli('apply', '--prune', join(folder, 'pruned.yaml'));
    expect((JSON.parse(stdout) as ApplyResponse).changes).toMatchObject([
      { kind: 'feature_service', name: 'driver_activity', version: 2, deleted: true },
    ]);
    expect(await countOf(h.pool, 'SELECT count(*) FROM registry_objects WHERE deleted')).toBe(1);
  });

  it('ingests a Parquet file row group by row group, then materializes it', async () => {
    const now = Date.now();
    const ids = Array.from({ length: 250 }, (_, i) => BigInt(i));
    parquetWriteFile({
      filename: join(folder, 'stats.parquet'),
      rowGroupSize: 100,
      columnData: [
        { name: 'driver_id', data: ids, type: 'INT64' },
        {
          name: 'event_timestamp',
          data: ids.map(() => new Date(now - HOUR / 2)),
          type: 'TIMESTAMP',
        },
        { name: 'conv_rate', data: ids.map((id) => Number(id) / 1000), type: 'DOUBLE' },
        { name: 'trips', data: ids.map((id) => id * 2n), type: 'INT64' },
      ],
    });
    const { stdout } = await cli('ingest', 'driver_stats', join(folder, 'stats.parquet'));
    expect(JSON.parse(stdout)).toEqual({ feature_view: 'driver_stats', ingested: 250 });
    const materialized = JSON.parse(
      (await cli('materialize', 'driver_stats')).stdout,
    ) as MaterializeResponse;
    expect(materialized.reports).toMatchObject([
      { feature_view: 'driver_stats', keys: 250, written: 250 },
    ]);
    await h.store.registry.refresh();
    const { values } = await h.store.features(
      { features: ['driver_stats:trips'] },
      { driver_id: [249] },
    );
    expect(values[0]![0]).toMatchObject({ value: 498, status: 'PRESENT' });
  });

  it('ingests CSV and refuses a bad row without writing any', async () => {
    const csv = [
      'driver_id,event_timestamp,conv_rate',
      `9007,${new Date().toISOString()},0.5`,
      `9008,${new Date().toISOString()},lots`,
    ].join('\n');
    await writeFile(join(folder, 'bad.csv'), csv);
    const failed = await cli('ingest', 'driver_stats', join(folder, 'bad.csv')).catch(
      (error: { stderr: string }) => error,
    );
    expect(failed.stderr).toContain('rows[1].conv_rate must be float64');
    expect(
      await countOf(
        h.pool,
        "SELECT count(*) FROM feature_rows WHERE entity_key IN ('9007', '9008')",
      ),
    ).toBe(0);
  });
});
