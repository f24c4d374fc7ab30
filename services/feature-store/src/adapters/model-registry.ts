import type pg from 'pg';
import { ConflictError, NotFoundError } from '@scale-models/errors';
import { withTransaction } from '@scale-models/postgres';
import type { ArtifactStore } from './artifact-store.ts';

export interface ModelVersion {
  model: string;
  version: number;
  artifact_uri: string;
  feature_service: string | null;
  training_set_id: string | null;
  metrics: Record<string, unknown>;
  metadata: Record<string, unknown>;
  created_at: string;
}

export interface ModelInfo {
  name: string;
  description: string;
  versions: ModelVersion[];
  aliases: Record<string, number>;
}

export interface NewModelVersion {
  artifact: unknown;
  feature_service?: string;
  training_set_id?: string;
  metrics?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

const VERSION_COLUMNS = `model, version, artifact_uri, feature_service, training_set_id, metrics, metadata, created_at`;

export interface ModelRegistry {
  createModel(name: string, description: string): Promise<void>;
  /** Stores the artifact, then records the next version with its lineage. */
  registerVersion(name: string, input: NewModelVersion): Promise<ModelVersion>;
  getModel(name: string): Promise<ModelInfo>;
  getVersion(name: string, version: number): Promise<ModelVersion>;
  readArtifact(version: ModelVersion): Promise<unknown>;
  setAlias(name: string, alias: string, version: number): Promise<void>;
  /** Every alias of every model: what serving replicas poll. */
  listAliases(): Promise<{ model: string; alias: string; version: number }[]>;
}

export function createModelRegistry(pool: pg.Pool, artifacts: ArtifactStore): ModelRegistry {
  const getVersion = async (name: string, version: number): Promise<ModelVersion> => {
    const { rows } = await pool.query<ModelVersion>(
      `SELECT ${VERSION_COLUMNS} FROM model_versions WHERE model = $1 AND version = $2`,
      [name, version],
    );
    if (rows[0] === undefined)
      throw new NotFoundError('model.version_not_found', `model ${name} has no version ${version}`);
    return rows[0];
  };
  return {
    async createModel(name, description) {
      const { rowCount } = await pool.query(
        'INSERT INTO models (name, description) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [name, description],
      );
      if (rowCount === 0) throw new ConflictError('model.exists', `model ${name} exists`);
    },
    async registerVersion(name, input) {
      return withTransaction(pool, async (client) => {
        const model = await client.query('SELECT name FROM models WHERE name = $1 FOR UPDATE', [
          name,
        ]);
        if (model.rowCount === 0) throw new NotFoundError('model.not_found', `no model ${name}`);
        const { rows } = await client.query<{ next: number }>(
          'SELECT coalesce(max(version), 0) + 1 AS next FROM model_versions WHERE model = $1',
          [name],
        );
        const version = rows[0]!.next;
        // Uploaded before the row commits: a crash leaves an unreferenced artifact, never a
        // version whose artifact is missing.
        const uri = await artifacts.put(
          `${name}/${version}/model.json`,
          Buffer.from(JSON.stringify(input.artifact)),
        );
        const inserted = await client.query<ModelVersion>(
          `INSERT INTO model_versions (model, version, artifact_uri, feature_service, training_set_id, metrics, metadata)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${VERSION_COLUMNS}`,
          [
            name,
            version,
            uri,
            input.feature_service ?? null,
            input.training_set_id ?? null,
            input.metrics ?? {},
            input.metadata ?? {},
          ],
        );
        return inserted.rows[0]!;
      });
    },
    async getModel(name) {
      const { rows } = await pool.query<{ name: string; description: string }>(
        'SELECT name, description FROM models WHERE name = $1',
        [name],
      );
      if (rows[0] === undefined) throw new NotFoundError('model.not_found', `no model ${name}`);
      const versions = await pool.query<ModelVersion>(
        `SELECT ${VERSION_COLUMNS} FROM model_versions WHERE model = $1 ORDER BY version`,
        [name],
      );
      const aliases = await pool.query<{ alias: string; version: number }>(
        'SELECT alias, version FROM model_aliases WHERE model = $1',
        [name],
      );
      return {
        ...rows[0],
        versions: versions.rows,
        aliases: Object.fromEntries(aliases.rows.map((a) => [a.alias, a.version])),
      };
    },
    getVersion,
    async readArtifact(version) {
      return JSON.parse(
        Buffer.from(await artifacts.get(version.artifact_uri)).toString('utf8'),
      ) as unknown;
    },
    async setAlias(name, alias, version) {
      await getVersion(name, version);
      await pool.query(
        `INSERT INTO model_aliases (model, alias, version) VALUES ($1, $2, $3)
         ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version, updated_at = now()`,
        [name, alias, version],
      );
    },
    async listAliases() {
      const { rows } = await pool.query<{ model: string; alias: string; version: number }>(
        'SELECT model, alias, version FROM model_aliases',
      );
      return rows;
    },
  };
}
