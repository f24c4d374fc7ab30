// scripts/infra/up and down on ports of their own, beside the infrastructure the suite uses:
// up is safe to run twice, and down stops exactly what up started.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const scripts = join(import.meta.dirname, '..', '..', 'scripts', 'infra');
const infraDir = mkdtempSync(join(tmpdir(), 'scale-models-infra-'));
// Below Linux's ephemeral range (32768-60999): a port in it can be taken at any moment as the
// local end of one of the suite's many client connections, and the server then cannot bind it.
const ports = { PG_PORT: 25432, REDIS_PORT: 26379, KAFKA_PORT: 29092, MQTT_PORT: 21883 };
const env = {
  ...process.env,
  SCALE_MODELS_INFRA_DIR: infraDir,
  KAFKA_CONTROLLER_PORT: '29093',
  ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
};

afterAll(() => {
  spawnSync(join(scripts, 'down'), { env, stdio: 'ignore' });
  rmSync(infraDir, { recursive: true, force: true });
  // As root, up keeps the PostgreSQL cluster in the postgres user's home (see postgres_home).
  const hash = createHash('md5').update(`${infraDir}\n`).digest('hex').slice(0, 8);
  rmSync(`/var/lib/postgresql/scale-models-${hash}`, { recursive: true, force: true });
});

// The scripts install from Debian packages; elsewhere, docker compose is the way.
describe.skipIf(!existsSync('/usr/bin/apt-get'))('scripts/infra', () => {
  it('starts every server, reuses them on a second run, and down stops only its own', () => {
    const first = run('up');
    expect(first).toContain(
      `export PG_URL=postgres://scale:scale@127.0.0.1:${ports.PG_PORT}/scale`,
    );
    expect(first).toContain(`export KAFKA_BROKERS=127.0.0.1:${ports.KAFKA_PORT}`);
    for (const port of Object.values(ports)) expect(answers(port)).toBe(true);
    const pids = readdirSync(join(infraDir, 'run')).sort();
    expect(pids).toEqual(['kafka.pid', 'mosquitto.pid', 'postgres.pid', 'redis.pid']);

    const second = run('up');
    expect(second.match(/already answering/g)).toHaveLength(4);

    run('down');
    for (const port of Object.values(ports)) expect(answers(port)).toBe(false);
    expect(readdirSync(join(infraDir, 'run'))).toEqual([]);
    expect(processesUsing(infraDir)).toEqual([]);
    const suitePostgres = process.env.PG_URL;
    if (suitePostgres !== undefined)
      expect(answers(Number(new URL(suitePostgres).port))).toBe(true);
  }, 300_000);
});

function run(script: 'up' | 'down'): string {
  const result = spawnSync(join(scripts, script), { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${script} failed:\n${result.stderr}`);
  return result.stdout + result.stderr;
}

function answers(port: number): boolean {
  const probe = `require('net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
  return spawnSync(process.execPath, ['-e', probe]).status === 0;
}

function processesUsing(path: string): string[] {
  const list = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return list.split('\n').filter((line) => line.includes(path));
}
