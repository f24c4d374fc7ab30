import type { Config } from '../config.ts';
import { createFolderArtifactStore, createS3ArtifactStore } from './artifact-store.ts';
import type { ArtifactStore } from './artifact-store.ts';

/** `ARTIFACTS=s3://bucket/prefix/` uses the S3 API at S3_ENDPOINT; anything else is a folder. */
export function artifactStoreFromConfig(
  config: Pick<Config, 'ARTIFACTS' | 'S3_ENDPOINT' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY'>,
): ArtifactStore {
  if (!config.ARTIFACTS.startsWith('s3://')) return createFolderArtifactStore(config.ARTIFACTS);
  const url = new URL(config.ARTIFACTS);
  return createS3ArtifactStore({
    endpoint: config.S3_ENDPOINT,
    bucket: url.host,
    prefix: url.pathname.slice(1),
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
  });
}
