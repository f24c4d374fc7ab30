import pg from 'pg';
import { postgres, uniqueName } from '@scale-models/testkit';
import { describe, expect, it } from 'vitest';
import { ensureDatabase } from '../src/index.ts';

describe('ensureDatabase', () => {
  it('creates a missing database once, even when called concurrently', async () => {
    const { url: serverUrl } = await postgres();
    const url = new URL(serverUrl);
    url.pathname = `/${uniqueName('ensured')}`;
    await Promise.all([1, 2, 3].map(() => ensureDatabase(url.toString())));
    await ensureDatabase(url.toString());

    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    await client.end();
    expect(`/${rows[0]?.db}`).toBe(url.pathname);

    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE ${url.pathname.slice(1)} WITH (FORCE)`);
    await admin.end();
  });

  it('refuses a name that would need quoting', async () => {
    await expect(ensureDatabase('postgres://u:p@127.0.0.1:5432/Bad-Name')).rejects.toThrow(
      /plain lower-case/,
    );
  });
});
