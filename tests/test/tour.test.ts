import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from '@scale-models/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { discoverChapters } from '../tour/discover-chapters.ts';
import type { DiscoveredChapter } from '../tour/discover-chapters.ts';
import { runTour } from '../tour/run-tour.ts';
import { formatSummary, tourSucceeded } from '../tour/summary.ts';

const fixtures = join(import.meta.dirname, 'fixtures', 'services');
const logDir = join(import.meta.dirname, '..', 'test-results', 'tour-logs');
const env = { PG_URL: 'pg', REDIS_URL: 'redis://example', KAFKA_BROKERS: 'k', MQTT_URL: 'm' };

let chapters: DiscoveredChapter[];
let port: number;

beforeAll(async () => {
  port = await freePort();
  process.env.TOUR_FIXTURE_PORT = String(port);
  chapters = await discoverChapters(fixtures);
});

describe('discoverChapters', () => {
  it('loads the chapters miniatures declare and skips the others', () => {
    expect(chapters.map(({ chapter }) => chapter.miniature)).toEqual(['echo']);
    expect(chapters[0]?.directory).toBe(join(fixtures, 'echo'));
  });

  it('finds nothing in a missing folder', async () => {
    expect(await discoverChapters(join(fixtures, 'missing'))).toEqual([]);
  });
});

describe('runTour', () => {
  it('starts the processes, plays every step in order, and stops what it started', async () => {
    const results = await runTour(chapters, { env, logDir, renderer: 'silent' });
    expect(results[0]?.steps.map((step) => [step.title, step.ok, step.outcome])).toEqual([
      ['say hello', true, 'hello'],
      ['see the infrastructure URLs', true, 'redis at redis://example'],
      ['break on purpose', true, 'not broken'],
      ['after the break', true, 'still here'],
      ['restart the server', true, 'not asked'],
    ]);
    expect(tourSucceeded(results)).toBe(true);
    expect(await answers(port)).toBe(false);
  });

  it('lets a step stop one of its processes and start it again', async () => {
    const results = await runTour(chapters, {
      env: { ...env, RESTART: 'yes' },
      logDir,
      renderer: 'silent',
    });
    expect(results[0]?.steps.at(-1)).toMatchObject({ ok: true, outcome: 'down, then back' });
    expect(await answers(port)).toBe(false);
  });

  it('reports a failed step, skips the rest of its chapter and says so in the summary', async () => {
    const results = await runTour(chapters, {
      env: { ...env, BREAK: 'yes' },
      logDir,
      renderer: 'silent',
    });
    const steps = results[0]?.steps ?? [];
    expect(steps.map((step) => step.title)).toEqual([
      'say hello',
      'see the infrastructure URLs',
      'break on purpose',
    ]);
    expect(steps[2]).toMatchObject({ ok: false, outcome: 'broken on purpose' });
    expect(tourSucceeded(results)).toBe(false);
    expect(formatSummary(results)).toContain('break on purpose: broken on purpose');
  });

  it('reuses a process that already answers and leaves it running', async () => {
    const server = spawn(process.execPath, ['server.ts'], {
      cwd: join(fixtures, 'echo'),
      env: { ...process.env, PORT: String(port) },
    });
    try {
      await eventually(async () => expect(await answers(port)).toBe(true));
      const results = await runTour(chapters, {
        env: { ...env, RESTART: 'yes' },
        logDir,
        renderer: 'silent',
      });
      // The tour may not stop a process it did not start.
      const last = results[0]?.steps.at(-1);
      expect(last?.ok).toBe(false);
      expect(last?.outcome).toMatch(/was not started by the tour/);
      expect(await answers(port)).toBe(true);
    } finally {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
  });

  it('reports a process that never gets ready without playing any step', async () => {
    const broken: DiscoveredChapter = {
      directory: join(fixtures, 'echo'),
      chapter: {
        ...chapters[0]!.chapter,
        processes: [
          { name: 'crashes', args: ['-e', 'process.exit(3)'], url: 'http://127.0.0.1:9' },
        ],
      },
    };
    const results = await runTour([broken], { env, logDir, renderer: 'silent' });
    expect(results[0]?.steps).toEqual([
      expect.objectContaining({ title: 'start processes', ok: false }),
    ]);
  });

  it('has a friendly summary when no miniature has a chapter yet', () => {
    expect(formatSummary([])).toMatch(/No miniature has a tour chapter yet/);
  });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function answers(target: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${target}/readyz`)).ok;
  } catch {
    return false;
  }
}
