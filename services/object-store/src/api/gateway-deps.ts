import type pg from 'pg';
import type { ErasureCodec } from '@scale-models/erasure';
import type { StorageNodes } from '../data-path/storage-nodes.ts';
import type { StoreMetrics } from '../healing/store-metrics.ts';

/** What the S3 handlers work with; built once by the entrypoint (or a test). */
export interface GatewayDeps {
  pool: pg.Pool;
  nodes: StorageNodes;
  /** The codec new segments are written with (k+m from config). */
  codec: ErasureCodec;
  blockSize: number;
  readWindowBytes: number;
  /** Smallest part but the last; 5 MiB in S3, lower in tests. */
  minPartSize: number;
  /** Secret of each access key id. */
  credentials: ReadonlyMap<string, string>;
  region: string;
  metrics: StoreMetrics;
}
