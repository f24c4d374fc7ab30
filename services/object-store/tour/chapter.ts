import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { defineChapter } from '@scale-models/tests/tour';
import type { TourContext } from '@scale-models/tests/tour';

const NODES = 6;
const GATEWAY_PORT = 7200;
const ACCESS_KEY = 'demo';
const SECRET_KEY = 'demo-secret-key';
const DATA_ROOT = resolve(import.meta.dirname, '../../../.infra/object-store');
const BUCKET = 'tour';
const KEY = 'large-object.bin';
const MiB = 2 ** 20;

// The miniature's own database on the tour's PostgreSQL server (created at first start).
const pgUrl = new URL(process.env.PG_URL ?? 'postgres://scale:scale@127.0.0.1:5432/scale');
pgUrl.pathname = '/object_store';

const dataDir = (node: number) => join(DATA_ROOT, `node-${node}`);
const nodeUrl = (node: number) => `http://127.0.0.1:${GATEWAY_PORT + node}`;

let expectedSha256 = '';

function s3(context: TourContext): S3Client {
  return new S3Client({
    endpoint: context.url('gateway'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
  });
}

async function readBack(context: TourContext): Promise<string> {
  const got = await s3(context).send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
  const digest = createHash('sha256')
    .update(await got.Body!.transformToByteArray())
    .digest('hex');
  if (digest !== expectedSha256) throw new Error(`read back ${digest}, stored ${expectedSha256}`);
  return `byte-identical (sha256 ${digest.slice(0, 12)}…)`;
}

async function shardCount(node: number): Promise<number> {
  const root = join(dataDir(node), 'shards');
  const folders = await readdir(root).catch(() => []);
  const files = await Promise.all(folders.map((folder) => readdir(join(root, folder))));
  return files.flat().length;
}

async function storeMetrics(context: TourContext, path: string, method = 'GET') {
  const response = await fetch(`${context.url('gateway')}${path}`, { method });
  return (await response.json()) as { shardsHealed: number; degradedReads: number };
}

export default defineChapter({
  miniature: 'object-store',
  title: 'an S3 store that loses two nodes and heals itself',
  processes: [
    ...Array.from({ length: NODES }, (_, i) => ({
      name: `node-${i + 1}`,
      args: ['src/bin/storage-node.ts'],
      env: {
        PORT: String(GATEWAY_PORT + i + 1),
        DATA_DIR: dataDir(i + 1),
        NODE_ID: `node-${i + 1}`,
      },
      url: nodeUrl(i + 1),
    })),
    {
      name: 'gateway',
      args: ['src/bin/gateway.ts'],
      env: {
        PORT: String(GATEWAY_PORT),
        PG_URL: pgUrl.toString(),
        SCRUB_INTERVAL_MS: '600000',
        STORAGE_NODES: Array.from(
          { length: NODES },
          (_, i) => `node-${i + 1}=${nodeUrl(i + 1)}`,
        ).join(','),
        S3_ACCESS_KEYS: `${ACCESS_KEY}:${SECRET_KEY}`,
      },
      url: `http://127.0.0.1:${GATEWAY_PORT}`,
    },
  ],
  steps: [
    {
      title: 'upload a 64 MiB object through the AWS SDK',
      run: async (context) => {
        const client = s3(context);
        await client.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((error: unknown) => {
          if ((error as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw error;
        });
        const body = randomBytes(64 * MiB);
        expectedSha256 = createHash('sha256').update(body).digest('hex');
        const { ETag } = await client.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: body }),
        );
        return `stored as RS(4,2) stripes on 6 nodes, ETag ${ETag}`;
      },
    },
    {
      title: 'stop storage nodes 2 and 5',
      run: async (context) => {
        await context.stop('node-2');
        await context.stop('node-5');
        return 'two of six nodes down: the most RS(4,2) survives';
      },
    },
    {
      title: 'read the object back',
      run: async (context) => {
        const result = await readBack(context);
        const { degradedReads } = await storeMetrics(context, '/_store/metrics');
        return `${result}, rebuilt from parity on the fly (degraded reads so far: ${degradedReads})`;
      },
    },
    {
      title: "replace nodes 2 and 5's disks (wipe their data folders) and restart them",
      run: async (context) => {
        const lost = (await shardCount(2)) + (await shardCount(5));
        await rm(dataDir(2), { recursive: true, force: true });
        await rm(dataDir(5), { recursive: true, force: true });
        await context.start('node-2');
        await context.start('node-5');
        return `${lost} shards lost, both nodes back empty`;
      },
    },
    {
      title: 'let the healer scrub every segment',
      run: async (context) => {
        const before = (await storeMetrics(context, '/_store/metrics')).shardsHealed;
        const after = (await storeMetrics(context, '/_store/scrub', 'POST')).shardsHealed;
        return `${after - before} shards rebuilt; nodes 2 and 5 hold ${(await shardCount(2)) + (await shardCount(5))} shards again`;
      },
    },
    {
      title: 'stop two other nodes (1 and 3) and read again',
      run: async (context) => {
        await context.stop('node-1');
        await context.stop('node-3');
        try {
          return `${await readBack(context)}: the healed shards carry the read`;
        } finally {
          await context.start('node-1');
          await context.start('node-3');
        }
      },
    },
  ],
});
