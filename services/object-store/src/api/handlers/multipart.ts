import { v7 as uuidv7 } from 'uuid';
import { findBucket } from '../../adapters/metadata/buckets.ts';
import {
  abortUpload,
  completeUpload,
  createUpload,
  findUpload,
  listParts as storedParts,
  putPart,
} from '../../adapters/metadata/multipart.ts';
import type { UploadedPart } from '../../adapters/metadata/multipart.ts';
import { readObject } from '../../data-path/read-object.ts';
import { NULL_VERSION_ID } from '../../domain/object-version.ts';
import { writeSegment } from '../../data-path/write-segment.ts';
import { createMultiHasher } from '../../domain/checksums/index.ts';
import {
  MAX_PART_SIZE,
  XML_BODY_LIMITS,
  copySourcePreconditionsFromHeaders,
  evaluateCopySourcePreconditions,
  extractUserMetadata,
  listPartsPage,
  multipartEtag,
  parseCompleteMultipartUpload,
  parseCopySource,
  parseCopySourceRange,
  parseListPartsQuery,
  parsePartNumber,
  quoteEtag,
  renderCompleteMultipartUpload,
  renderCopyPartResult,
  renderInitiateMultipartUpload,
  renderListParts,
  selectCompletedParts,
  validateObjectKey,
} from '../../domain/s3/index.ts';
import { headerValue } from '../../domain/sigv4/request-headers.ts';
import { findReadableVersion, versionIdParam } from '../find-version.ts';
import { checksumHeaders, versionIdHeader } from '../object-headers.ts';
import { ownerOf } from '../owner.ts';
import { readSmallBody } from '../read-small-body.ts';
import type { S3Call } from '../s3-call.ts';
import { sendXml } from '../send-xml.ts';
import { discardSegment, storeBody } from '../store-body.ts';

export async function createMultipartUpload(call: S3Call): Promise<void> {
  const { deps, bucket, key, headers, reply } = call;
  validateObjectKey(key);
  const uploadId = uuidv7();
  await createUpload(deps.pool, {
    uploadId,
    bucket,
    key,
    contentType: headerValue(headers, 'content-type'),
    userMetadata: extractUserMetadata(headers),
  });
  sendXml(reply, renderInitiateMultipartUpload({ bucket, key, uploadId }));
}

export async function uploadPart(call: S3Call): Promise<void> {
  const { deps, bucket, key, query, reply } = call;
  const partNumber = parsePartNumber(stringParam(query.partNumber));
  const target = { bucket, key, uploadId: stringParam(query.uploadId) ?? '' };
  await findUpload(deps.pool, bucket, key, target.uploadId); // NoSuchUpload before storing
  const { segment, facts } = await storeBody(call, MAX_PART_SIZE);
  const checksums =
    facts.checksum === undefined ? {} : { [facts.checksum.algorithm]: facts.checksum.value };
  try {
    await putPart(deps.pool, target, {
      partNumber,
      size: facts.size,
      etag: facts.md5Hex,
      checksums,
      segment,
    });
  } catch (error) {
    if (segment !== undefined) discardSegment(segment, deps.nodes);
    throw error;
  }
  await reply.headers({ etag: quoteEtag(facts.md5Hex), ...checksumHeaders(checksums) }).send();
}

/** UploadPartCopy: a byte range of another object becomes a part, re-encoded as a new segment. */
export async function uploadPartCopy(call: S3Call): Promise<void> {
  const { deps, bucket, key, query, headers, reply } = call;
  const partNumber = parsePartNumber(stringParam(query.partNumber));
  const target = { bucket, key, uploadId: stringParam(query.uploadId) ?? '' };
  await findUpload(deps.pool, bucket, key, target.uploadId);
  const source = parseCopySource(headerValue(headers, 'x-amz-copy-source'));
  const original = await findReadableVersion(
    deps,
    source.bucket,
    source.key,
    versionIdParam(source.versionId),
  );
  evaluateCopySourcePreconditions(copySourcePreconditionsFromHeaders(headers), original);
  const range = parseCopySourceRange(
    headerValue(headers, 'x-amz-copy-source-range'),
    original.size,
  ) ?? {
    start: 0,
    end: original.size - 1,
  };
  const md5 = createMultiHasher(['MD5']);
  const bytes = readObject(original.segments, range.start, range.end, {
    nodes: deps.nodes,
    windowBytes: deps.readWindowBytes,
  });
  async function* hashed() {
    for await (const chunk of bytes) {
      md5.update(chunk);
      yield chunk;
    }
  }
  const segment =
    original.size === 0
      ? undefined
      : await writeSegment(hashed(), {
          codec: deps.codec,
          nodes: deps.nodes,
          blockSize: deps.blockSize,
        });
  const etag = md5.digests().get('MD5')!.toString('hex');
  const size = original.size === 0 ? 0 : range.end - range.start + 1;
  await putPart(deps.pool, target, { partNumber, size, etag, checksums: {}, segment });
  // The source's version goes in x-amz-copy-source-version-id (as CopyObject says it); an
  // upload part has no version of its own, so x-amz-version-id would misname it.
  if (original.versionId !== NULL_VERSION_ID) {
    reply.header('x-amz-copy-source-version-id', original.versionId);
  }
  sendXml(reply, renderCopyPartResult({ etag, lastModified: new Date() }));
}

export async function completeMultipartUpload(call: S3Call): Promise<void> {
  const { deps, bucket, key, query, reply } = call;
  const uploadId = stringParam(query.uploadId) ?? '';
  const requested = parseCompleteMultipartUpload(
    await readSmallBody(call, XML_BODY_LIMITS.completeMultipartUpload),
  );
  const { versionId, version } = await completeUpload(
    deps.pool,
    { bucket, key, uploadId },
    (upload, uploaded) => {
      const parts = selectCompletedParts(
        requested,
        new Map(uploaded.map((part) => [part.partNumber, part])),
        {
          minPartSize: deps.minPartSize,
        },
      );
      return {
        bucket,
        key,
        size: parts.reduce((total, part) => total + part.size, 0),
        etag: multipartEtag(parts.map((part) => part.etag)),
        contentType: upload.contentType,
        userMetadata: upload.userMetadata,
        checksums: {},
        segmentIds: parts.flatMap((part) => (part.segmentId === undefined ? [] : [part.segmentId])),
      };
    },
  );
  reply.headers(versionIdHeader(versionId));
  sendXml(
    reply,
    renderCompleteMultipartUpload({
      location: `/${bucket}/${key}`,
      bucket,
      key,
      etag: version.etag,
    }),
  );
}

export async function abortMultipartUpload({
  deps,
  bucket,
  key,
  query,
  reply,
}: S3Call): Promise<void> {
  await abortUpload(deps.pool, { bucket, key, uploadId: stringParam(query.uploadId) ?? '' });
  await reply.code(204).send();
}

export async function listParts({ deps, auth, bucket, key, query, reply }: S3Call): Promise<void> {
  const request = parseListPartsQuery(query);
  await findBucket(deps.pool, bucket);
  const upload = await findUpload(deps.pool, bucket, key, stringParam(query.uploadId) ?? '');
  const parts: UploadedPart[] = await storedParts(deps.pool, upload.uploadId, 0, 10_000);
  const page = listPartsPage(request, parts);
  const owner = ownerOf(auth.accessKeyId);
  sendXml(
    reply,
    renderListParts(
      { bucket, key, uploadId: upload.uploadId, initiator: owner, owner },
      request,
      page,
    ),
  );
}

function stringParam(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}
