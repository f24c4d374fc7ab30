import { S3Error } from '../domain/s3-error.ts';
import type { Query } from '../domain/s3/index.ts';
import type { RequestHeaders } from '../domain/sigv4/index.ts';
import * as buckets from './handlers/buckets.ts';
import * as listings from './handlers/listings.ts';
import * as multipart from './handlers/multipart.ts';
import * as objects from './handlers/objects.ts';
import type { S3Handler } from './s3-call.ts';

type Table = Record<string, S3Handler | Record<string, S3Handler>>;

/**
 * Which S3 operation a request is: by method, then by the first sub-resource of the query
 * that the method knows (`''` is the plain request). Checked in the listed order.
 */
const SERVICE: Table = { GET: buckets.listBuckets };

const BUCKET: Table = {
  GET: {
    versioning: buckets.getBucketVersioning,
    acl: buckets.getAcl,
    location: buckets.getBucketLocation,
    uploads: listings.listMultipartUploads,
    versions: listings.listObjectVersions,
    'list-type': listings.listObjectsV2,
    '': listings.listObjectsV1,
  },
  PUT: { versioning: buckets.putBucketVersioning, acl: buckets.putAcl, '': buckets.createBucket },
  HEAD: { '': buckets.headBucket },
  DELETE: { '': buckets.deleteBucket },
  POST: { delete: objects.deleteObjects },
};

const OBJECT: Table = {
  GET: { uploadId: multipart.listParts, acl: buckets.getAcl, '': objects.getObject },
  HEAD: { '': objects.headObject },
  PUT: { uploadId: multipart.uploadPart, acl: buckets.putAcl, '': objects.putObject },
  DELETE: { uploadId: multipart.abortMultipartUpload, '': objects.deleteObject },
  POST: { uploads: multipart.createMultipartUpload, uploadId: multipart.completeMultipartUpload },
};

/** Sub-resources of S3 this store does not implement: a clear 501 beats a wrong answer. */
const UNSUPPORTED = [
  'accelerate',
  'analytics',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'lifecycle',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'legal-hold',
  'select',
  'tagging',
  'torrent',
  'website',
  'attributes',
];

export function handlerFor(
  method: string,
  bucket: string,
  key: string,
  query: Query,
  headers: RequestHeaders,
): S3Handler {
  const table = bucket === '' ? SERVICE : key === '' ? BUCKET : OBJECT;
  const unsupported = UNSUPPORTED.find((name) => name in query);
  if (unsupported !== undefined) {
    throw new S3Error('NotImplemented', `The ?${unsupported} sub-resource is not implemented.`);
  }
  const entry = table[method];
  const handler =
    typeof entry === 'function'
      ? entry
      : entry === undefined
        ? undefined
        : Object.entries(entry).find(([name]) => name === '' || name in query)?.[1];
  if (handler === undefined) {
    throw new S3Error('MethodNotAllowed', `${method} is not allowed against this resource.`);
  }
  if (method === 'PUT' && key !== '' && headers['x-amz-copy-source'] !== undefined) {
    return 'uploadId' in query ? multipart.uploadPartCopy : objects.copyObject;
  }
  return handler;
}
