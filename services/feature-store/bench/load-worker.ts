// The load-generator process forked by startLoadGenerator: it receives LoadJobs over IPC, drives
// them with runLoad and answers with the measured result.
import { loadProto, lookupService } from '@scale-models/grpc';
import { createRedis } from '@scale-models/redis';
import { onlineKeyOf } from '../src/adapters/online-store.ts';
import { API_KEY } from '../test/support/harness.ts';
import { createGrpcH2Client } from './grpc-h2-client.ts';
import { createHttp1Pool } from './http1-pool.ts';
import { runLoad, WARM_UP } from './load.ts';
import type { LoadJob, LoadTarget } from './load.ts';

type Call = (ids: number[]) => Promise<unknown>;

function poster(base: string, connections: number) {
  const pool = createHttp1Pool(base, connections, {
    'content-type': 'application/json',
    'x-api-key': API_KEY,
  });
  return {
    async post(path: string, body: unknown): Promise<void> {
      const status = await pool.post(path, JSON.stringify(body));
      if (status !== 200) throw new Error(`${path} answered ${status}`);
    },
    close: () => pool.close(),
  };
}

/** One request of the target's shape, and how to release its connections afterwards. */
function callerOf(
  target: LoadTarget,
  concurrency: number,
): { call: Call; close(): Promise<void> | void } {
  switch (target.kind) {
    case 'redis-mget': {
      const redis = createRedis(target.redisUrl, { name: 'bench', keyPrefix: target.keyPrefix });
      return {
        call: (ids) => redis.redis.mget(ids.map((id) => onlineKeyOf(target.view, String(id)))),
        close: () => redis.close(),
      };
    }
    case 'http-online': {
      const http = poster(target.base, concurrency);
      return {
        call: (ids) =>
          http.post('/v1/get-online-features', {
            features: target.features,
            entities: { user_id: ids },
          }),
        close: http.close,
      };
    }
    case 'grpc-online': {
      const grpc = grpcCaller('online_features.proto', 'feature_store.v1.OnlineFeatures', target);
      return {
        call: (ids) =>
          grpc.call('GetOnlineFeatures', {
            features: target.features,
            entities: { user_id: { values: ids.map(String) } },
          }),
        close: grpc.close,
      };
    }
    case 'http-infer': {
      const http = poster(target.base, concurrency);
      return {
        call: (ids) =>
          http.post(`/v2/models/${target.model}/infer`, {
            inputs: [{ name: 'user_id', datatype: 'INT64', shape: [ids.length], data: ids }],
          }),
        close: http.close,
      };
    }
    case 'grpc-infer': {
      const grpc = grpcCaller('grpc_predict_v2.proto', 'inference.GRPCInferenceService', target);
      return {
        call: (ids) =>
          grpc.call('ModelInfer', {
            model_name: target.model,
            inputs: [
              {
                name: 'user_id',
                datatype: 'INT64',
                shape: [ids.length],
                contents: { int64_contents: ids },
              },
            ],
          }),
        close: grpc.close,
      };
    }
  }
}

/** Unary calls of one service over the lean HTTP/2 client, messages encoded from the .proto. */
function grpcCaller(protoFile: string, service: string, target: { address: string }) {
  const proto = loadProto(new URL(`../proto/${protoFile}`, import.meta.url).pathname);
  const { service: methods } = lookupService(proto, service);
  const client = createGrpcH2Client(target.address, { 'x-api-key': API_KEY });
  return {
    call: (method: string, request: unknown) =>
      client.unary(methods[method]!.path, methods[method]!.requestSerialize(request)),
    close: () => client.close(),
  };
}
async function runJob(job: LoadJob) {
  const caller = callerOf(job.target, job.concurrency);
  const ids = () =>
    Array.from({ length: job.entitiesPerRequest }, () => Math.floor(Math.random() * job.idRange));
  try {
    await runLoad(Math.min(job.concurrency, 8), WARM_UP, () => caller.call(ids()));
    const cpuBefore = process.cpuUsage();
    const result = await runLoad(job.concurrency, job.total, () => caller.call(ids()));
    const cpu = process.cpuUsage(cpuBefore);
    // Share of one core the load generator itself used: near 100 % means it, not the server, capped the run.
    const loadCpu = (cpu.user + cpu.system) / 1000 / ((job.total / result.opsPerSecond) * 1000);
    return { ...result, loadCpu };
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
