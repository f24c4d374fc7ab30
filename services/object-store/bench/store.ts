// The store end to end, as S3 clients see it: `pnpm --filter @scale-models/object-store bench`
// (with PG_URL and KAFKA_BROKERS set; BENCH_QUICK=1 for a half-minute run with smaller objects).
// Six storage nodes and the gateway run as their own processes. Objects of 128 MiB and 1 GiB
// are streamed in while the gateway's peak RSS is watched; then 8 clients of the AWS SDK PUT
// and GET objects of 4 KiB, 1 MiB and 64 MiB; then m = 2 nodes are killed and the GETs are
// repeated. The raw limits of this machine are measured in the same run and every PUT is
// compared with them. Everything shares the same cores, the client included.
import { randomBytes } from 'node:crypto';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import Table from 'cli-table3';
import { ACCESS_KEY, SECRET_KEY, startBenchCluster } from './cluster.ts';
import { cpuTime } from './cpu-time.ts';
import { currentRss, peakRss, resetPeakRss } from './peak-rss.ts';
import { fsyncWriteThroughput, hashThroughput } from './raw-limits.ts';
import { quantile, runClients } from './run-clients.ts';
import type { Measured } from './run-clients.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const CLIENTS = 8;
const NODES = 6;
/** The gateway's default coding: every object byte is 1.5 bytes on disk. */
const DATA_SHARDS = 4;
const PARITY_SHARDS = 2;

interface Workload {
  size: number;
  opsPerClient: number;
}

const PLAN =
  process.env.BENCH_QUICK === '1'
    ? {
        workloads: [
          { size: 4 * KiB, opsPerClient: 25 },
          { size: 1 * MiB, opsPerClient: 4 },
          { size: 8 * MiB, opsPerClient: 1 },
        ],
        streamedUploads: [16 * MiB, 128 * MiB],
        rawMiB: 128,
      }
    : {
        workloads: [
          { size: 4 * KiB, opsPerClient: 200 },
          { size: 1 * MiB, opsPerClient: 32 },
          { size: 64 * MiB, opsPerClient: 2 },
        ],
        streamedUploads: [128 * MiB, 1024 * MiB],
        rawMiB: 1024,
      };

interface RawLimits {
  md5: number;
  signedPutHashes: number;
  /** Disk MiB/s scaled to object bytes: what 1.5x write amplification leaves of it. */
  diskForObjects: number;
  disk: number;
}

interface Row {
  workload: string;
  measured: Measured;
  /** Cores busy during the workload: gateway JavaScript thread, gateway, nodes, client. */
  cores: number[];
  /** For the streamed upload: the gateway's RSS before it and its peak during it. */
  rss?: { before: number; peak: number };
  isPut: boolean;
}

async function measureRawLimits(): Promise<RawLimits> {
  const md5 = hashThroughput(['md5'], PLAN.rawMiB);
  const signedPutHashes = hashThroughput(['md5', 'sha256', 'crc32'], PLAN.rawMiB);
  const disk = await fsyncWriteThroughput(tmpdir(), PLAN.rawMiB);
  const diskForObjects = (disk * DATA_SHARDS) / (DATA_SHARDS + PARITY_SHARDS);
  return { md5, signedPutHashes, disk, diskForObjects };
}

function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    // A failed request must show up as a failure, not as a slower success.
    maxAttempts: 1,
  });
}

const keyOf = (size: number, n: number) => `${size}/${n}`;

async function putAll(
  clients: S3Client[],
  bucket: string,
  { size, opsPerClient }: Workload,
  payload: Buffer,
): Promise<Measured> {
  return runClients(clients, opsPerClient, async (s3, n) => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: keyOf(size, n),
        Body: payload.subarray(0, size),
      }),
    );
    return size;
  });
}

async function getAll(
  clients: S3Client[],
  bucket: string,
  { size, opsPerClient }: Workload,
): Promise<Measured> {
  return runClients(clients, opsPerClient, async (s3, n) => {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(size, n) }));
    let received = 0;
    for await (const chunk of Body as Readable) received += (chunk as Buffer).length;
    if (received !== size) throw new Error(`GET ${keyOf(size, n)}: ${received} of ${size} bytes`);
    return received;
  });
}

/** One object of `size` bytes streamed from a generator: the bench never holds it either. */
async function putStreamed(s3: S3Client, bucket: string, size: number, payload: Buffer) {
  function* body(): Generator<Buffer> {
    for (let sent = 0; sent < size; sent += MiB) {
      yield payload.subarray(0, Math.min(MiB, size - sent));
    }
  }
  return runClients([s3], 1, async () => {
    const Body = Readable.from(body());
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `streamed/${size}`, Body, ContentLength: size }),
    );
    return size;
  });
}

/** The processes whose CPU time is watched. */
interface Watched {
  gateway: number;
  nodes: number[];
}

/**
 * CPU seconds used so far by the gateway (its JavaScript thread, all its threads), the nodes
 * together, and this client.
 */
async function cpuSnapshot({ gateway, nodes }: Watched): Promise<number[]> {
  const { main, all } = await cpuTime(gateway);
  const nodeTimes = await Promise.all(nodes.map(async (pid) => (await cpuTime(pid)).all));
  const { user, system } = process.cpuUsage();
  return [main, all, nodeTimes.reduce((a, b) => a + b, 0), (user + system) / 1e6];
}

/** Runs a workload, watching where the CPU went and, if asked, the gateway's peak RSS. */
async function measure(
  watched: Watched,
  workload: string,
  run: () => Promise<Measured>,
  options: { isPut: boolean; watchRss?: boolean },
): Promise<Row> {
  const before = await currentRss(watched.gateway);
  if (options.watchRss === true) await resetPeakRss(watched.gateway);
  const cpuBefore = await cpuSnapshot(watched);
  const measured = await run();
  const cpuAfter = await cpuSnapshot(watched);
  const cores = cpuAfter.map((seconds, i) => (seconds - cpuBefore[i]!) / measured.seconds);
  const rss =
    options.watchRss === true ? { before, peak: await peakRss(watched.gateway) } : undefined;
  return { workload, measured, cores, rss, isPut: options.isPut };
}

function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${bytes / (1024 * MiB)} GiB`;
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`;
}

function render(rows: Row[], raw: RawLimits): string {
  const table = new Table({
    style: { head: [], border: [] },
    head: [
      'workload',
      'object',
      'ops',
      'MiB/s',
      'ops/s',
      'p50 ms',
      'p99 ms',
      'cores: gw JS / gw / nodes / client',
      'gateway RSS',
      '÷ MD5',
      '÷ disk',
    ],
  });
  const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
  for (const { workload, measured, cores, rss, isPut } of rows) {
    const mibPerSecond = measured.bytes / MiB / measured.seconds;
    const size = measured.bytes / measured.ops;
    table.push([
      workload,
      sizeLabel(size),
      measured.ops,
      mibPerSecond.toFixed(1),
      (measured.ops / measured.seconds).toFixed(measured.ops / measured.seconds < 10 ? 2 : 0),
      quantile(measured.latenciesMs, 0.5).toFixed(1),
      quantile(measured.latenciesMs, 0.99).toFixed(1),
      cores.map((busy) => busy.toFixed(2)).join(' / '),
      rss === undefined ? '' : `peak ${mib(rss.peak)} (${mib(rss.before)} before)`,
      isPut ? (mibPerSecond / raw.md5).toFixed(2) : '',
      isPut ? (mibPerSecond / raw.diskForObjects).toFixed(2) : '',
    ]);
  }
  const rawRow = (name: string, value: number) => [name, '', '', value.toFixed(0), ...blank(7)];
  table.push(
    rawRow('raw: MD5, one core', raw.md5),
    rawRow('raw: MD5 + SHA-256 + CRC32, one core', raw.signedPutHashes),
    rawRow('raw: sequential write + fsync', raw.disk),
    rawRow(
      `raw: disk ÷ ${(DATA_SHARDS + PARITY_SHARDS) / DATA_SHARDS} (coding overhead)`,
      raw.diskForObjects,
    ),
  );
  return table.toString();
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const raw = await measureRawLimits();
  const payload = randomBytes(Math.max(...PLAN.workloads.map((w) => w.size)));
  const cluster = await startBenchCluster({
    nodes: NODES,
    dataShards: DATA_SHARDS,
    parityShards: PARITY_SHARDS,
  });
  const watched: Watched = {
    gateway: cluster.gateway.pid,
    nodes: cluster.nodes.map((node) => node.pid),
  };
  const clients = Array.from({ length: CLIENTS }, () => s3Client(cluster.gateway.url));
  const rows: Row[] = [];
  try {
    const bucket = `bench-${Date.now()}`;
    await clients[0]!.send(new CreateBucketCommand({ Bucket: bucket }));
    await putAll(clients, bucket, { size: MiB, opsPerClient: 2 }, payload); // warm-up
    // First, while the gateway's heap is small; two sizes show whether memory grows with size.
    for (const size of PLAN.streamedUploads) {
      const run = () => putStreamed(clients[0]!, bucket, size, payload);
      const options = { isPut: true, watchRss: true };
      rows.push(await measure(watched, 'PUT 1 client, streamed', run, options));
    }
    for (const workload of PLAN.workloads) {
      const run = () => putAll(clients, bucket, workload, payload);
      rows.push(await measure(watched, `PUT ${CLIENTS} clients`, run, { isPut: true }));
    }
    for (const workload of PLAN.workloads) {
      const run = () => getAll(clients, bucket, workload);
      rows.push(await measure(watched, `GET ${CLIENTS} clients`, run, { isPut: false }));
    }
    await Promise.all(cluster.nodes.slice(0, PARITY_SHARDS).map((node) => node.kill()));
    watched.nodes = watched.nodes.slice(PARITY_SHARDS);
    for (const workload of PLAN.workloads) {
      const run = () => getAll(clients, bucket, workload);
      const name = `GET ${CLIENTS} clients, ${PARITY_SHARDS} nodes down`;
      rows.push(await measure(watched, name, run, { isPut: false }));
    }
  } finally {
    clients.forEach((s3) => s3.destroy());
    await cluster.close();
  }
  console.log(render(rows, raw));
  console.log(
    [
      `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ` +
        `load average ${loadBefore.toFixed(1)} before and ${loadavg()[0]!.toFixed(1)} after the run.`,
      `${NODES} storage nodes, ${DATA_SHARDS}+${PARITY_SHARDS} coding, one disk for all; the client shares the cores.`,
      `÷ MD5: PUT MiB/s over one core's MD5. ÷ disk: over the disk's fsync'd write rate ÷ 1.5.`,
      `cores: CPU seconds per second of the gateway's JavaScript thread, the whole gateway ` +
        `(hash thread, GC, libuv), the storage nodes together, and this client.`,
    ].join('\n'),
  );
}

const blank = (count: number) => Array<string>(count).fill('');

await main();
