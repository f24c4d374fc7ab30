import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultCacheDir, loadComposeSchema } from '../src/index.ts';
import { readZipEntry } from '../src/schema/read-zip-entry.ts';
import { makeZip } from './support/make-zip.ts';

const version = 'v9.9.9';
const entry = `github.com/compose-spec/compose-go/v2@${version}/schema/compose-spec.json`;
const schemaText = JSON.stringify({ $id: 'fake', type: 'object' });
const sha256 = createHash('sha256').update(schemaText).digest('hex');

// A fetch that serves one module zip and records every URL asked for.
function fakeProxy(zip: Buffer) {
  const urls: string[] = [];
  const fetchFn = ((input: string | URL | Request) => {
    urls.push(input instanceof Request ? input.url : input.toString());
    return Promise.resolve(new Response(new Uint8Array(zip)));
  }) as typeof fetch;
  return { urls, fetchFn };
}

describe('loadComposeSchema', () => {
  let cacheDir: string;
  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'compose-check-'));
  });
  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('downloads the module zip once, verifies the schema and serves it from the cache after', async () => {
    const proxy = fakeProxy(makeZip({ 'other/file.txt': 'x', [entry]: schemaText }));
    const options = { cacheDir, version, sha256, fetch: proxy.fetchFn };

    expect(await loadComposeSchema(options)).toEqual({ $id: 'fake', type: 'object' });
    expect(await loadComposeSchema(options)).toEqual({ $id: 'fake', type: 'object' });

    expect(proxy.urls).toEqual([
      `https://proxy.golang.org/github.com/compose-spec/compose-go/v2/@v/${version}.zip`,
    ]);
    expect(await readFile(join(cacheDir, `compose-spec-${version}.json`), 'utf8')).toBe(schemaText);
  });

  it('rejects a schema whose sha256 differs from the pin, and caches nothing', async () => {
    const proxy = fakeProxy(makeZip({ [entry]: schemaText.replace('object', 'array') }));
    await expect(
      loadComposeSchema({ cacheDir, version, sha256, fetch: proxy.fetchFn }),
    ).rejects.toThrow(`expected ${sha256}`);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('downloads again when the cached copy no longer matches the digest', async () => {
    await writeFile(join(cacheDir, `compose-spec-${version}.json`), '{"tampered": true}');
    const proxy = fakeProxy(makeZip({ [entry]: schemaText }));
    expect(await loadComposeSchema({ cacheDir, version, sha256, fetch: proxy.fetchFn })).toEqual({
      $id: 'fake',
      type: 'object',
    });
    expect(proxy.urls).toHaveLength(1);
  });

  it('names the missing entry when the module has no schema', async () => {
    const proxy = fakeProxy(makeZip({ 'README.md': 'no schema here' }));
    await expect(
      loadComposeSchema({ cacheDir, version, sha256, fetch: proxy.fetchFn }),
    ).rejects.toThrow(`has no ${entry}`);
  });

  it('caches under XDG_CACHE_HOME/scale-models', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/me' })).toBe('/var/cache/me/scale-models');
  });
});

describe('readZipEntry', () => {
  it('inflates the named entry and returns undefined for an absent one', () => {
    const zip = makeZip({ 'a.txt': 'first', 'dir/b.txt': 'second '.repeat(100) });
    expect(readZipEntry(zip, 'dir/b.txt')?.toString()).toBe('second '.repeat(100));
    expect(readZipEntry(zip, 'c.txt')).toBeUndefined();
  });

  it('refuses data that is not a zip archive', () => {
    expect(() => readZipEntry(Buffer.from('not a zip at all, just text'), 'a')).toThrow(
      'no end of central directory',
    );
  });
});
