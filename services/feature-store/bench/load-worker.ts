// The load-generator process forked by startLoadGenerator: it receives LoadJobs over IPC, drives
// them with runLoad and answers with the measured result.
import { credentials } from '@grpc/grpc-js';
import { callUnary, loadProto, lookupService } from '@scale-models/grpc';
import { createRedis } from '@scale-models/redis';
import { onlineKeyOf } from '../src/adapters/online-store.ts';
import { runLoad } from './load.ts';
import type { LoadJob, LoadTarget } from './load.ts';

type Call = (ids: number[]) => Promise<unknown>;

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  await response.arrayBuffer();
}

/** One request of the target's shape, and how to release its connections afterwards. */
function callerOf(target: LoadTarget): { call: Call; close(): Promise<void> | void } {
  switch (target.kind) {
    case 'redis-mget': {
      const redis = createRedis(target.redisUrl, { name: 'bench', keyPrefix: target.keyPrefix });
      return {
        call: (ids) => redis.redis.mget(ids.map((id) => onlineKeyOf(target.view, String(id)))),
        close: () => redis.close(),
      };
    }
    case 'http-online':
      return {
        call: (ids) =>
          post(`${target.base}/v1/get-online-features`, {
            features: target.features,
            entities: { user_id: ids },
          }),
        close: () => undefined,
      };
    case 'grpc-online': {
      const proto = loadProto(new URL('../proto/online_features.proto', import.meta.url).pathname);
      const Client = lookupService(proto, 'feature_store.v1.OnlineFeatures');
      const client = new Client(target.address, credentials.createInsecure());
      return {
        call: (ids) =>
          callUnary(client, 'GetOnlineFeatures', {
            features: target.features,
            entities: { user_id: { values: ids.map(String) } },
          }),
        close: () => client.close(),
      };
    }
    case 'http-infer':
      return {
        call: (ids) =>
          post(`${target.base}/v2/models/${target.model}/infer`, {
            inputs: [{ name: 'user_id', datatype: 'INT64', shape: [ids.length], data: ids }],
          }),
        close: () => undefined,
      };
  }
}

async function runJob(job: LoadJob) {
  const caller = callerOf(job.target);
  const ids = () =>
    Array.from({ length: job.entitiesPerRequest }, () => Math.floor(Math.random() * job.idRange));
  try {
    await runLoad(Math.min(job.concurrency, 8), 200, () => caller.call(ids())); // warm-up
    return await runLoad(job.concurrency, job.total, () => caller.call(ids()));
  } finally {
    await caller.close();
  }
}

process.on('message', (job: LoadJob) => {
  runJob(job).then(
    (result) => process.send!({ result }),
    (error: unknown) => process.send!({ error: String(error) }),
  );
});
