import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = resolve(import.meta.dirname, '../src/bin/check.ts');
const fixturesDir = resolve(import.meta.dirname, 'fixtures');

describe('compose-check CLI', () => {
  it('exits 0 on a clean project', async () => {
    const { stdout } = await run(process.execPath, [bin, 'valid/compose.yaml'], {
      cwd: fixturesDir,
    });
    expect(stdout).toMatch(/valid/);
  });

  it('prints `file: path: message` for each problem and exits 1', async () => {
    const failure = run(process.execPath, [bin, 'missing-memory-limit.yml'], { cwd: fixturesDir });
    await expect(failure).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'missing-memory-limit.yml: services.web: has no memory limit',
      ) as unknown,
    });
  });
});
