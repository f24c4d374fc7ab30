import { describe, expect, it } from 'vitest';
import { startFixture } from './fixtures/child-process.ts';

describe('loadConfigOrExit', () => {
  it('exits non-zero naming each bad variable, without printing values', async () => {
    const secret = 'hunter2-but-too-short';
    const child = startFixture('config-entry.ts', { PORT: '8080', API_SECRET: secret });

    expect(await child.exited).toBe(78);
    const lines = child.stderr().trim().split('\n');
    expect(lines).toEqual([
      'config: DATABASE_URL is required',
      'config: API_SECRET must not have fewer than 32 characters',
    ]);
    expect(child.stderr()).not.toContain(secret);
    expect(child.stdout()).toBe('');
  });

  it('loads a valid environment', async () => {
    const child = startFixture('config-entry.ts', {
      DATABASE_URL: 'postgres://localhost/db',
      API_SECRET: 's'.repeat(32),
    });
    expect(await child.exited).toBe(0);
    expect(child.stdout()).toBe('loaded PORT,DATABASE_URL,API_SECRET\n');
  });
});
