import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** Where model artifacts live; a version's artifact is written once and never changed. */
export interface ArtifactStore {
  /** Stores bytes under a relative path; resolves to the artifact's URI (file:// or s3://). */
  put(path: string, bytes: Uint8Array): Promise<string>;
  get(uri: string): Promise<Uint8Array>;
}

/** A local folder (until an object store exists, and for laptops without one). */
export function createFolderArtifactStore(root: string): ArtifactStore {
  return {
    async put(path, bytes) {
      const file = join(resolve(root), path);
      await mkdir(dirname(file), { recursive: true });
      // Write then rename: a reader never sees half an artifact.
      await writeFile(`${file}.partial`, bytes);
      await rename(`${file}.partial`, file);
      return pathToFileURL(file).toString();
    },
    get: async (uri) => readFile(fileURLToPath(uri)),
  };
}

export interface S3ArtifactOptions {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  /** Key prefix inside the bucket, e.g. `models/`. */
  prefix?: string;
}

/** Any S3 API: the object-store miniature, MinIO, AWS. */
export function createS3ArtifactStore(options: S3ArtifactOptions): ArtifactStore {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
  });
  return {
    async put(path, bytes) {
      const key = `${options.prefix ?? ''}${path}`;
      await client.send(new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: bytes }));
      return `s3://${options.bucket}/${key}`;
    },
    async get(uri) {
      const { bucket, key } = parseS3Uri(uri);
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return object.Body!.transformToByteArray();
    },
  };
}

function parseS3Uri(uri: string): { bucket: string; key: string } {
  const url = new URL(uri);
  if (url.protocol !== 's3:') throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: url.host, key: decodeURIComponent(url.pathname.slice(1)) };
}
