import { createWriteStream } from 'node:fs';
import { createGrpcServer } from '@scale-models/grpc';
import { startHarness, authHeaders } from '../test/support/harness.ts';
import type { Harness, HarnessOptions } from '../test/support/harness.ts';
import { GRPC_SERVER_OPTIONS, grpcServices } from '../src/api/grpc-services.ts';

export const FEATURES = Array.from({ length: 10 }, (_, i) => `f${i}`);
export const REFS = FEATURES.map((f) => `bench:${f}`);
export const ENTITIES = 10_000;

/** A listening (HTTP and gRPC) feature store with one view of 10 float features for 10,000 entities, materialized. */
export async function startBenchStore(options: HarnessOptions = {}) {
  // Logging as the server does by default (info), into /dev/null: what logging costs the hot
  // routes is part of what is measured.
  const logger = { level: 'info' as const, stream: createWriteStream('/dev/null') };
  const h: Harness = await startHarness({ logger, ...options });
  const inject = (url: string, payload: unknown) =>
    h.app.inject({ method: 'POST', url, headers: authHeaders, payload: payload as object });
  await inject('/v1/apply', {
    entities: [{ name: 'user', join_key: 'user_id', value_type: 'int64' }],
    feature_views: [
      {
        name: 'bench',
        entities: ['user'],
        ttl_seconds: 0,
        features: FEATURES.map((name) => ({ name, dtype: 'float64' })),
      },
    ],
  });
  const now = new Date(Date.now() - 60_000).toISOString();
  const rows = Array.from({ length: ENTITIES }, (_, id) => ({
    user_id: id,
    event_timestamp: now,
    ...Object.fromEntries(FEATURES.map((f, j) => [f, ((id * (j + 1)) % 97) / 97])),
  }));
  for (let i = 0; i < rows.length; i += 2000)
    await inject('/v1/feature-views/bench/rows', rows.slice(i, i + 2000));
  await inject('/v1/materialize', { mode: 'full' });
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const grpc = createGrpcServer({
    services: grpcServices(h.store),
    serverOptions: GRPC_SERVER_OPTIONS,
  });
  const port = await grpc.listen('127.0.0.1:0');
  return {
    h,
    base,
    grpcAddress: `127.0.0.1:${port}`,
    async close() {
      await grpc.shutdown(1000);
      await h.close();
    },
  };
}
