// Profile lookup over HTTP with the load generator and the API in separate processes
// (source /work/main/.infra/env first):
//   node bench/lookup.ts [--people 300] [--seconds 10] [--connections 1,8,32,64]
// Seeds profiles through the resolver's own code (no Kafka in the way), starts the real API
// entrypoint (src/bin/api.ts) as a child process, and drives it with autocannon from here.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Table from 'cli-table3';
import { resolveEvent } from '../src/adapters/resolve-event.ts';
import { ADMIN_TOKEN, createHarness } from '../test/support/harness.ts';
import { syntheticJourneys } from '../test/support/synthetic-journeys.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '1,8,32,64' },
    'log-level': { type: 'string', default: 'warn' },
    // Writes a V8 CPU profile of the API process to this directory (open in Chrome DevTools).
    'cpu-prof': { type: 'string' },
  },
});
const people = Number(values.people);

const harness = await createHarness({ LOG_LEVEL: 'error' });
for (const event of syntheticJourneys(people)) {
  const outcome = await resolveEvent(harness.stores.pool, harness.stores.settings, event);
  if (outcome.status === 'resolved') await harness.stores.projector.project(outcome.touched);
}

const port = await freePort();
const api = spawn(
  process.execPath,
  [
    ...(values['cpu-prof'] === undefined
      ? []
      : ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']]),
    fileURLToPath(new URL('../src/bin/api.ts', import.meta.url)),
  ],
  {
    env: { ...process.env, ...harness.env, PORT: String(port), LOG_LEVEL: values['log-level'] },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const base = `http://127.0.0.1:${port}`;
await waitUntilReady(`${base}/readyz`);

const table = new Table({
  style: { head: [], border: [] },
  head: [
    'clients',
    'requests',
    'req/s',
    'p50',
    'p90',
    'p99',
    'max',
    'errors',
    'bytes/response',
    'API CPU',
    'API CPU/request',
    'target',
  ],
});
for (const connections of values.connections.split(',').map(Number)) {
  const cpuBefore = cpuSeconds(api.pid!);
  let next = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: Number(values.seconds),
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    requests: [
      {
        // Every client cycles through all profiles, by email (normalized on the way in).
        setupRequest: (request) => ({
          ...request,
          path: `/v1/profiles/email:Customer.${next++ % people}@Example.com`,
        }),
      },
    ],
  });
  const cpu = cpuSeconds(api.pid!) - cpuBefore;
  table.push([
    connections,
    result.requests.total,
    Math.round(result.requests.average),
    `${result.latency.p50} ms`,
    `${result.latency.p90} ms`,
    `${result.latency.p99} ms`,
    `${result.latency.max} ms`,
    result.errors + result.non2xx,
    Math.round(result.throughput.total / result.requests.total),
    // Share of one core, and the cost of a request: the second does not depend on how busy
    // the other processes on the machine keep the cores.
    `${Math.round((cpu / Number(values.seconds)) * 100)} %`,
    `${Math.round((cpu / result.requests.total) * 1e6)} µs`,
    'seed: p99 < 10 ms',
  ]);
}
console.log(table.toString());
console.log(`API log level ${values['log-level']}; ${people} profiles; 2 shared cores`);
api.kill('SIGTERM');
await new Promise((resolve) => api.once('exit', resolve));
await harness.close();
process.exit(0);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`API not ready at ${url}`);
}

/** User + system CPU seconds of a process so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command name; in clock
  // ticks, 100 per second on Linux.
  return (Number(stat[11]) + Number(stat[12])) / 100;
}
