import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  COMPOSE_GO_VERSION,
  COMPOSE_SPEC_SHA256,
  moduleZipUrl,
  schemaEntryName,
} from './compose-spec-source.ts';
import { readZipEntry } from './read-zip-entry.ts';

export interface LoadSchemaOptions {
  /** Defaults to `${XDG_CACHE_HOME:-~/.cache}/scale-models`. */
  cacheDir?: string;
  version?: string;
  sha256?: string;
  /** Injected by tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME?.trim() ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'scale-models');
}

/**
 * The compose-spec JSON schema at the pinned version: from the cache when its digest matches,
 * otherwise downloaded once from the Go module proxy, verified and cached.
 */
export async function loadComposeSchema(options: LoadSchemaOptions = {}): Promise<object> {
  const version = options.version ?? COMPOSE_GO_VERSION;
  const sha256 = options.sha256 ?? COMPOSE_SPEC_SHA256;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cached = join(cacheDir, `compose-spec-${version}.json`);

  const fromCache = await readFile(cached).catch(() => undefined);
  // A cached file with the wrong digest is treated as absent (truncated or tampered with).
  if (fromCache && digest(fromCache) === sha256) return parse(fromCache);

  const bytes = await download(version, options.fetch ?? fetch);
  const actual = digest(bytes);
  if (actual !== sha256) {
    throw new Error(
      `compose-spec.json of compose-go ${version} has sha256 ${actual}, expected ${sha256}`,
    );
  }
  await mkdir(cacheDir, { recursive: true });
  // Write then rename, so a concurrent run never reads half a file.
  const partial = `${cached}.${process.pid}.partial`;
  await writeFile(partial, bytes);
  await rename(partial, cached);
  return parse(bytes);
}

async function download(version: string, fetchFn: typeof fetch): Promise<Buffer> {
  const url = moduleZipUrl(version);
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (error) {
    throw new Error(`cannot download the compose schema from ${url} (offline?)`, { cause: error });
  }
  if (!response.ok) throw new Error(`cannot download ${url}: HTTP ${response.status}`);
  const zip = Buffer.from(await response.arrayBuffer());
  const schema = readZipEntry(zip, schemaEntryName(version));
  if (!schema) throw new Error(`${url} has no ${schemaEntryName(version)}`);
  return schema;
}

function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function parse(bytes: Buffer): object {
  return JSON.parse(bytes.toString('utf8')) as object;
}
