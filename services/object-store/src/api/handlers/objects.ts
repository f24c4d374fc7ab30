import { Readable } from 'node:stream';
import {
  commitObjectVersion,
  deleteObject as removeObject,
} from '../../adapters/metadata/object-versions.ts';
import { findBucket } from '../../adapters/metadata/buckets.ts';
import { readObject } from '../../data-path/read-object.ts';
import { NULL_VERSION_ID } from '../../domain/object-version.ts';
import type { ObjectVersion } from '../../domain/object-version.ts';
import { S3Error } from '../../domain/s3-error.ts';
import { checkChecksums, createMultiHasher, planChecksums } from '../../domain/checksums/index.ts';
import {
  MAX_PART_SIZE,
  XML_BODY_LIMITS,
  assertCopyChangesSomething,
  contentRange,
  copySourcePreconditionsFromHeaders,
  evaluateCopySourcePreconditions,
  evaluatePreconditions,
  extractUserMetadata,
  parseCopySource,
  parseDeleteObjects,
  parseMetadataDirective,
  parseRange,
  preconditionsFromHeaders,
  quoteEtag,
  renderCopyObjectResult,
  renderDeleteResult,
  validateObjectKey,
} from '../../domain/s3/index.ts';
import type { DeletedKey, FailedKey } from '../../domain/s3/index.ts';
import { headerValue } from '../../domain/sigv4/request-headers.ts';
import { findReadableVersion, versionIdParam } from '../find-version.ts';
import {
  checksumHeaders,
  objectHeaders,
  responseOverrides,
  versionIdHeader,
} from '../object-headers.ts';
import { readSmallBody } from '../read-small-body.ts';
import type { S3Call } from '../s3-call.ts';
import { sendXml } from '../send-xml.ts';
import { discardSegment, storeBody } from '../store-body.ts';

export async function putObject(call: S3Call): Promise<void> {
  const { deps, bucket, key, headers, reply } = call;
  validateObjectKey(key);
  await findBucket(deps.pool, bucket); // NoSuchBucket before a byte is stored
  const userMetadata = extractUserMetadata(headers);
  const preconditions = conditionalWrite(call);
  const { segment, facts } = await storeBody(call, MAX_PART_SIZE);
  const checksums =
    facts.checksum === undefined ? {} : { [facts.checksum.algorithm]: facts.checksum.value };
  try {
    const { versionId } = await commitObjectVersion(
      deps.pool,
      {
        bucket,
        key,
        size: facts.size,
        etag: facts.md5Hex,
        contentType: headerValue(headers, 'content-type'),
        userMetadata,
        checksums,
        segmentIds: segment === undefined ? [] : [segment.id],
      },
      {
        event: 'ObjectCreated:Put',
        newSegments: segment === undefined ? [] : [segment],
        ...(preconditions === undefined ? {} : { preconditions }),
      },
    );
    await reply
      .headers({
        etag: quoteEtag(facts.md5Hex),
        ...versionIdHeader(versionId),
        ...checksumHeaders(checksums),
      })
      .send();
  } catch (error) {
    if (segment !== undefined) discardSegment(segment, deps.nodes);
    throw error;
  }
}

export async function getObject(call: S3Call): Promise<void> {
  await readVersion(call, true);
}

export async function headObject(call: S3Call): Promise<void> {
  await readVersion(call, false);
}

async function readVersion(call: S3Call, withBody: boolean): Promise<void> {
  const { deps, bucket, key, query, headers, reply } = call;
  const version = await findReadableVersion(deps, bucket, key, versionIdParam(query.versionId));
  const validators = { etag: version.etag, lastModified: version.lastModified };
  const method = withBody ? 'GET' : 'HEAD';
  if (
    evaluatePreconditions(preconditionsFromHeaders(headers), validators, method) === 'not-modified'
  ) {
    await reply
      .code(304)
      .headers({
        etag: quoteEtag(version.etag),
        'last-modified': version.lastModified.toUTCString(),
      })
      .send();
    return;
  }
  const range = parseRange(headerValue(headers, 'range'), version.size);
  const { start, end } = range ?? { start: 0, end: version.size - 1 };
  const withChecksum =
    range === undefined && headerValue(headers, 'x-amz-checksum-mode') === 'ENABLED';
  reply.headers({
    ...objectHeaders(version, withChecksum),
    ...(await nullVersionHeader(call, version)),
    ...responseOverrides(query),
    'content-length': String(end - start + 1),
  });
  if (range !== undefined)
    reply.code(206).header('content-range', contentRange(range, version.size));
  if (!withBody || version.size === 0) {
    await reply.send();
    return;
  }
  await reply.send(Readable.from(streamBytes(call, version, start, end)));
}

/**
 * Once a bucket has known versioning, S3 names its `null` version (`x-amz-version-id: null`) so
 * a reader can tell it from the others; an unversioned bucket has no version ids at all.
 */
async function nullVersionHeader(
  { deps }: S3Call,
  version: ObjectVersion,
): Promise<Record<string, string>> {
  if (version.versionId !== NULL_VERSION_ID) return {};
  const { versioning } = await findBucket(deps.pool, version.bucket);
  return versioning === 'unversioned' ? {} : { 'x-amz-version-id': NULL_VERSION_ID };
}

function streamBytes(call: S3Call, version: ObjectVersion, start: number, end: number) {
  const { deps } = call;
  return readObject(version.segments, start, end, {
    nodes: deps.nodes,
    windowBytes: deps.readWindowBytes,
    onDegraded: () => deps.metrics.degradedRead(),
  });
}

export async function deleteObject({ deps, bucket, key, query, reply }: S3Call): Promise<void> {
  const outcome = await removeObject(deps.pool, bucket, key, versionIdParam(query.versionId));
  await reply
    .code(204)
    .headers({
      ...(outcome.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
      ...(outcome.versionId === undefined ? {} : { 'x-amz-version-id': outcome.versionId }),
    })
    .send();
}

/** DeleteObjects: up to 1000 keys, each deleted on its own; failures are listed, not thrown. */
export async function deleteObjects(call: S3Call): Promise<void> {
  const { deps, bucket, headers, reply } = call;
  const body = await readSmallBody(call, XML_BODY_LIMITS.deleteObjects);
  verifySmallBody(body, headers);
  const { quiet, objects } = parseDeleteObjects(body);
  await findBucket(deps.pool, bucket);
  const deleted: DeletedKey[] = [];
  const errors: FailedKey[] = [];
  for (const { key, versionId } of objects) {
    try {
      const outcome = await removeObject(deps.pool, bucket, key, versionIdParam(versionId));
      deleted.push({
        key,
        ...(versionId === undefined ? {} : { versionId }),
        ...(outcome.deleteMarker ? { deleteMarker: true } : {}),
        ...(outcome.deleteMarker && outcome.versionId !== undefined
          ? { deleteMarkerVersionId: outcome.versionId }
          : {}),
      });
    } catch (error) {
      if (!(error instanceof S3Error)) throw error;
      errors.push({
        key,
        ...(versionId === undefined ? {} : { versionId }),
        code: error.code,
        message: error.message,
      });
    }
  }
  sendXml(reply, renderDeleteResult({ quiet, deleted, errors }));
}

/** Content-MD5 or an `x-amz-checksum-*` of a small XML body, when sent. */
function verifySmallBody(body: Buffer, headers: S3Call['headers']): void {
  const plan = planChecksums(headers);
  const hashes = createMultiHasher(plan.hashes);
  hashes.update(body);
  checkChecksums(plan, hashes.digests());
}

/**
 * CopyObject: the new version shares the source's segments (no byte moves), which is why
 * segments are reference-counted by the cleaner rather than owned by one version.
 */
export async function copyObject(call: S3Call): Promise<void> {
  const { deps, bucket, key, headers, reply } = call;
  validateObjectKey(key);
  const source = parseCopySource(headerValue(headers, 'x-amz-copy-source'));
  const directive = parseMetadataDirective(headerValue(headers, 'x-amz-metadata-directive'));
  const sourceVersionId = versionIdParam(source.versionId);
  assertCopyChangesSomething({
    sourceBucket: source.bucket,
    sourceKey: source.key,
    sourceVersionId,
    bucket,
    key,
    directive,
  });
  await findBucket(deps.pool, bucket);
  const original = await findReadableVersion(deps, source.bucket, source.key, sourceVersionId);
  evaluateCopySourcePreconditions(copySourcePreconditionsFromHeaders(headers), {
    etag: original.etag,
    lastModified: original.lastModified,
  });
  const replace = directive === 'REPLACE';
  const { versionId, lastModified } = await commitObjectVersion(
    deps.pool,
    {
      bucket,
      key,
      size: original.size,
      etag: original.etag,
      contentType: replace ? headerValue(headers, 'content-type') : original.contentType,
      userMetadata: replace ? extractUserMetadata(headers) : original.userMetadata,
      checksums: original.checksums,
      segmentIds: original.segments.map((segment) => segment.id),
    },
    {
      event: 'ObjectCreated:Copy',
      lockSource: async (client) => {
        const { rowCount } = await client.query(
          `SELECT 1 FROM object_versions WHERE bucket = $1 AND key = $2 AND version_id = $3 FOR SHARE`,
          [original.bucket, original.key, original.versionId],
        );
        if (rowCount === 0)
          throw new S3Error('NoSuchKey', 'The copy source was deleted meanwhile.', {
            fields: { Key: source.key },
          });
      },
    },
  );
  reply.headers({
    ...versionIdHeader(versionId),
    ...(original.versionId === NULL_VERSION_ID
      ? {}
      : { 'x-amz-copy-source-version-id': original.versionId }),
  });
  sendXml(reply, renderCopyObjectResult({ etag: original.etag, lastModified }));
}

/** `If-None-Match: *` / `If-Match` on a PUT: checked again at commit, under the key's lock. */
function conditionalWrite({ headers }: S3Call) {
  const ifMatch = headerValue(headers, 'if-match');
  const ifNoneMatch = headerValue(headers, 'if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') {
    throw new S3Error(
      'NotImplemented',
      'A header you provided implies functionality that is not implemented: If-None-Match accepts only *.',
      {
        fields: { Header: 'If-None-Match' },
      },
    );
  }
  return { ifMatch, ifNoneMatch };
}
