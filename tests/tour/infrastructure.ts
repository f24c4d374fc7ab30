import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

const VARIABLES = ['PG_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'MQTT_URL'] as const;

/**
 * The infrastructure URLs for the tour: from the environment when all are set, else from
 * `.infra/env` after starting (or reusing) local servers. Fails if any server does not answer.
 */
export async function ensureInfrastructure(repoRoot: string): Promise<Record<string, string>> {
  const fromEnvironment = pick(process.env);
  const env = fromEnvironment ?? startLocalInfrastructure(repoRoot);
  const unreachable = (
    await Promise.all(VARIABLES.map(async (name) => ((await answers(env[name]!)) ? [] : [name])))
  ).flat();
  if (unreachable.length > 0) {
    throw new Error(`no server answers for ${unreachable.join(', ')}; run scripts/infra/up`);
  }
  return env;
}

function startLocalInfrastructure(repoRoot: string): Record<string, string> {
  const docker = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5_000 }).status === 0;
  const script = join(repoRoot, 'scripts', 'infra', docker ? 'compose-up' : 'up');
  const result = spawnSync(script, { stdio: ['ignore', 'ignore', 'inherit'] });
  const envFile = join(repoRoot, '.infra', 'env');
  if (result.status !== 0 || !existsSync(envFile)) throw new Error(`${script} failed`);
  const parsed: Record<string, string> = {};
  for (const [, name, value] of readFileSync(envFile, 'utf8').matchAll(/^export (\w+)=(.*)$/gm)) {
    parsed[name!] = value!;
  }
  const env = pick(parsed);
  if (env === undefined) throw new Error(`${envFile} lacks one of ${VARIABLES.join(', ')}`);
  return env;
}

function pick(source: Record<string, string | undefined>): Record<string, string> | undefined {
  const values = VARIABLES.map((name) => source[name]);
  if (values.some((value) => value === undefined || value === '')) return undefined;
  return Object.fromEntries(VARIABLES.map((name, i) => [name, values[i]!]));
}

/** True when the first host:port in a URL or broker list accepts a TCP connection. */
function answers(address: string): Promise<boolean> {
  const first = address.split(',')[0]!;
  const url = new URL(first.includes('://') ? first : `tcp://${first}`);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), timeout: 2_000 });
    const settle = (reachable: boolean) => {
      socket.destroy();
      resolve(reachable);
    };
    socket.once('connect', () => settle(true));
    socket.once('error', () => settle(false));
    socket.once('timeout', () => settle(false));
  });
}
