import * as store from '../../adapters/metadata/buckets.ts';
import { findObjectVersion } from '../../adapters/metadata/object-versions.ts';
import {
  XML_BODY_LIMITS,
  parseCreateBucketConfiguration,
  parseVersioningConfiguration,
  renderAccessControlPolicy,
  renderListBuckets,
  renderLocationConstraint,
  renderVersioningConfiguration,
  validateBucketName,
} from '../../domain/s3/index.ts';
import { S3Error } from '../../domain/s3-error.ts';
import { noSuchKey } from '../not-found.ts';
import { ownerOf } from '../owner.ts';
import { readSmallBody } from '../read-small-body.ts';
import type { S3Call } from '../s3-call.ts';
import { sendXml } from '../send-xml.ts';

export async function listBuckets({ deps, auth, reply }: S3Call): Promise<void> {
  const buckets = await store.listBuckets(deps.pool);
  sendXml(
    reply,
    renderListBuckets({
      owner: ownerOf(auth.accessKeyId),
      buckets: buckets.map((bucket) => ({ name: bucket.name, creationDate: bucket.createdAt })),
    }),
  );
}

export async function createBucket(call: S3Call): Promise<void> {
  const { deps, auth, bucket, reply } = call;
  validateBucketName(bucket);
  const body = await readSmallBody(call, XML_BODY_LIMITS.configuration);
  // The location constraint is read for its validation only: this store has one region.
  if (body.length > 0) parseCreateBucketConfiguration(body);
  await store.createBucket(deps.pool, bucket, auth.accessKeyId);
  await reply.header('location', `/${bucket}`).send();
}

export async function headBucket({ deps, bucket, reply }: S3Call): Promise<void> {
  await store.findBucket(deps.pool, bucket);
  await reply.header('x-amz-bucket-region', deps.region).send();
}

export async function deleteBucket({ deps, bucket, reply }: S3Call): Promise<void> {
  await store.deleteBucket(deps.pool, bucket);
  await reply.code(204).send();
}

export async function getBucketLocation({ deps, bucket, reply }: S3Call): Promise<void> {
  await store.findBucket(deps.pool, bucket);
  sendXml(reply, renderLocationConstraint(deps.region));
}

export async function getBucketVersioning({ deps, bucket, reply }: S3Call): Promise<void> {
  const { versioning } = await store.findBucket(deps.pool, bucket);
  const status = { unversioned: undefined, enabled: 'Enabled', suspended: 'Suspended' } as const;
  sendXml(reply, renderVersioningConfiguration(status[versioning]));
}

export async function putBucketVersioning(call: S3Call): Promise<void> {
  const { deps, bucket, reply } = call;
  const body = await readSmallBody(call, XML_BODY_LIMITS.configuration);
  const { status } = parseVersioningConfiguration(body);
  if (status === undefined) await store.findBucket(deps.pool, bucket);
  else await store.setVersioning(deps.pool, bucket, status === 'Enabled' ? 'enabled' : 'suspended');
  await reply.send();
}

/** GetBucketAcl and GetObjectAcl: the owner has FULL_CONTROL, the only ACL there is. */
export async function getAcl({ deps, auth, bucket, key, reply }: S3Call): Promise<void> {
  const found = await store.findBucket(deps.pool, bucket);
  if (key !== '') await requireObject(deps.pool, bucket, key);
  sendXml(reply, renderAccessControlPolicy(ownerOf(key === '' ? found.owner : auth.accessKeyId)));
}

/**
 * PutBucketAcl and PutObjectAcl: not supported (there is one identity, owning everything). It
 * must be routed all the same: as a plain PUT, `?acl` would overwrite the object with its body.
 */
export function putAcl(): Promise<void> {
  return Promise.reject(
    new S3Error(
      'NotImplemented',
      'Setting ACLs is not implemented: the owner has FULL_CONTROL, the only ACL there is.',
    ),
  );
}

async function requireObject(pool: S3Call['deps']['pool'], bucket: string, key: string) {
  const version = await findObjectVersion(pool, bucket, key);
  if (version === undefined || version.isDeleteMarker) throw noSuchKey(key);
}
