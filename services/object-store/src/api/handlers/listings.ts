import { findBucket } from '../../adapters/metadata/buckets.ts';
import {
  scanLatestObjects,
  scanObjectVersions,
  scanUploads,
} from '../../adapters/metadata/listings.ts';
import {
  listObjectsPage,
  listUploadsPage,
  listVersionsPage,
  parseListObjectsV1Query,
  parseListObjectsV2Query,
  parseListUploadsQuery,
  parseListVersionsQuery,
  renderListMultipartUploads,
  renderListObjectsV1,
  renderListObjectsV2,
  renderListVersions,
} from '../../domain/s3/index.ts';
import type { ListObjectsRequest, ObjectEntry, ObjectsPage } from '../../domain/s3/index.ts';
import { ownerOf } from '../owner.ts';
import type { S3Call } from '../s3-call.ts';
import { sendXml } from '../send-xml.ts';

export async function listObjectsV2({ deps, bucket, query, reply }: S3Call): Promise<void> {
  const request = parseListObjectsV2Query(query);
  sendXml(
    reply,
    renderListObjectsV2(bucket, request, await currentObjectsPage(deps, bucket, request)),
  );
}

export async function listObjectsV1({ deps, bucket, query, reply }: S3Call): Promise<void> {
  const request = parseListObjectsV1Query(query);
  sendXml(
    reply,
    renderListObjectsV1(bucket, request, await currentObjectsPage(deps, bucket, request)),
  );
}

/** One page of the bucket's current objects, each owned by the bucket's owner. */
async function currentObjectsPage(
  deps: S3Call['deps'],
  bucket: string,
  request: ListObjectsRequest,
): Promise<ObjectsPage<ObjectEntry>> {
  const { owner } = await findBucket(deps.pool, bucket);
  const page = await listObjectsPage(request, scanLatestObjects(deps.pool, bucket));
  return { ...page, contents: page.contents.map((entry) => ({ ...entry, owner: ownerOf(owner) })) };
}

export async function listObjectVersions({ deps, bucket, query, reply }: S3Call): Promise<void> {
  const request = parseListVersionsQuery(query);
  await findBucket(deps.pool, bucket);
  const page = await listVersionsPage(request, scanObjectVersions(deps.pool, bucket));
  sendXml(reply, renderListVersions(bucket, request, page));
}

export async function listMultipartUploads({ deps, bucket, query, reply }: S3Call): Promise<void> {
  const request = parseListUploadsQuery(query);
  await findBucket(deps.pool, bucket);
  const page = await listUploadsPage(request, scanUploads(deps.pool, bucket));
  sendXml(reply, renderListMultipartUploads(bucket, request, page));
}
