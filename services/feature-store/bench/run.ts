// The feature store's benchmarks: online lookups (HTTP, gRPC, raw Redis), the point-in-time
// join next to DuckDB's ASOF JOIN, and inference with dynamic batching off and on.
// `pnpm --filter @scale-models/feature-store bench`; ROWS=1000000 for the full size.
import { benchInference } from './inference.ts';
import { benchOnline } from './online.ts';
import { benchTrainingSet } from './training-set.ts';

const only = process.argv[2];
if (only === undefined || only === 'online') await benchOnline();
if (only === undefined || only === 'training-set')
  await benchTrainingSet(Number(process.env.ROWS ?? 200_000));
if (only === undefined || only === 'inference') await benchInference();
process.exit(0);
