import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@scale-models/testkit';
import { startFixture } from './fixtures/child-process.ts';
import type { Child } from './fixtures/child-process.ts';
import { expectRefused, httpGet } from './fixtures/http.ts';

const children: Child[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.process.kill('SIGKILL');
});

function start(env: Record<string, string>): Child {
  const child = startFixture('slow-service.ts', env);
  children.push(child);
  return child;
}

async function portOf(child: Child): Promise<number> {
  return eventually(() => {
    const match = /^listening (\d+)$/m.exec(child.stdout());
    if (match?.[1] === undefined) throw new Error(`not listening yet; stderr: ${child.stderr()}`);
    return Number(match[1]);
  });
}

function markers(child: Child, prefix: string): string[] {
  return child
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith(prefix));
}

describe('runService shutdown', () => {
  it('on SIGTERM finishes in-flight requests, refuses new ones, runs closers in order, exits 0', async () => {
    const child = start({ ROUTE_DELAY_MS: '1000', SHUTDOWN_TIMEOUT_MS: '10000' });
    const port = await portOf(child);
    let completed = 0;
    const inFlight = Array.from({ length: 5 }, () =>
      httpGet(port, '/slow').finally(() => (completed += 1)),
    );
    await eventually(() => expect(markers(child, 'started slow')).toHaveLength(5));

    child.process.kill('SIGTERM');
    await eventually(() => expectRefused(port));
    // Refused while the slow requests were still running: the listener closed first.
    expect(completed).toBe(0);

    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.map((r) => JSON.parse(r.body) as unknown)).toEqual(
      Array.from({ length: 5 }, () => ({ done: true })),
    );
    expect(await child.exited).toBe(0);
    expect(markers(child, 'closed')).toEqual([
      'closed onClose-hook',
      'closed consumer',
      'closed pool',
    ]);
  });

  it('exits non-zero when a request outlives the shutdown bound', async () => {
    const child = start({ SHUTDOWN_TIMEOUT_MS: '300' });
    const port = await portOf(child);
    const hanging = httpGet(port, '/hang').catch((error: unknown) => error);
    await eventually(() => expect(markers(child, 'started hang')).toHaveLength(1));

    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(1);
    expect(await hanging).toBeInstanceOf(Error);
    expect(markers(child, 'closed')).toEqual([]);
    expect(child.stderr()).toContain('timed out after 300 ms');
  });
});
