import { request } from 'node:http';
import { existsSync } from 'node:fs';

const PING_TIMEOUT_MS = 2_000;

/**
 * True when a Docker engine answers /_ping within two seconds. Checked before loading
 * testcontainers, whose own discovery can wait much longer when no engine exists.
 */
export async function dockerEngineAnswers(): Promise<boolean> {
  const target = dockerTarget();
  if (target === undefined) return false;
  return new Promise((resolve) => {
    const ping = request({ ...target, path: '/_ping', timeout: PING_TIMEOUT_MS }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on('timeout', () => ping.destroy());
    ping.on('error', () => resolve(false));
    ping.end();
  });
}

function dockerTarget(): { socketPath: string } | { host: string; port: number } | undefined {
  const host = process.env.DOCKER_HOST;
  if (host === undefined || host === '') {
    return existsSync('/var/run/docker.sock') ? { socketPath: '/var/run/docker.sock' } : undefined;
  }
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    return existsSync(socketPath) ? { socketPath } : undefined;
  }
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
}
