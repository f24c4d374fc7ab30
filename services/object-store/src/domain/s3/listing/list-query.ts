import { S3Error } from '../../s3-error.ts';
import { decodeContinuationToken } from './continuation-token.ts';

/** A parsed query string; repeated parameters keep their first value. */
export type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Listings return at most 1000 items per page; larger requests are capped, as in S3. */
export const MAX_LIST_ITEMS = 1000;

interface ListingQuery {
  readonly prefix: string;
  /** `''` when absent. */
  readonly delimiter: string;
  readonly encodingType: 'url' | undefined;
}

export interface ListObjectsV2Query extends ListingQuery {
  readonly maxKeys: number;
  readonly startAfter: string | undefined;
  readonly continuationToken: string | undefined;
  readonly fetchOwner: boolean;
  /** Where this page starts: the decoded token, else `start-after`. */
  readonly after: string | undefined;
}

export interface ListObjectsV1Query extends ListingQuery {
  readonly maxKeys: number;
  readonly marker: string | undefined;
  readonly after: string | undefined;
}

export interface ListVersionsQuery extends ListingQuery {
  readonly maxKeys: number;
  readonly keyMarker: string | undefined;
  readonly versionIdMarker: string | undefined;
}

export interface ListUploadsQuery extends ListingQuery {
  readonly maxUploads: number;
  readonly keyMarker: string | undefined;
  /** Ignored by S3 without a key marker, so `undefined` then. */
  readonly uploadIdMarker: string | undefined;
}

export interface ListPartsQuery {
  readonly maxParts: number;
  /** 0 when absent: parts are numbered from 1. */
  readonly partNumberMarker: number;
}

/** ListObjectsV2 (`GET /bucket?list-type=2`). */
export function parseListObjectsV2Query(query: Query): ListObjectsV2Query {
  const continuationToken = param(query, 'continuation-token');
  const startAfter = nonEmpty(param(query, 'start-after'));
  return {
    ...listingQuery(query),
    maxKeys: parseCount(query, 'max-keys'),
    startAfter,
    continuationToken,
    fetchOwner: param(query, 'fetch-owner') === 'true',
    after:
      continuationToken === undefined ? startAfter : decodeContinuationToken(continuationToken),
  };
}

/** ListObjects, the original version (`GET /bucket`), still used by s3cmd and rclone. */
export function parseListObjectsV1Query(query: Query): ListObjectsV1Query {
  const marker = nonEmpty(param(query, 'marker'));
  return { ...listingQuery(query), maxKeys: parseCount(query, 'max-keys'), marker, after: marker };
}

/** ListObjectVersions (`GET /bucket?versions`). */
export function parseListVersionsQuery(query: Query): ListVersionsQuery {
  const keyMarker = nonEmpty(param(query, 'key-marker'));
  const versionIdMarker = nonEmpty(param(query, 'version-id-marker'));
  if (versionIdMarker !== undefined && keyMarker === undefined) {
    throw new S3Error(
      'InvalidArgument',
      'A version-id marker cannot be specified without a key marker.',
      {
        fields: { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker },
      },
    );
  }
  return {
    ...listingQuery(query),
    maxKeys: parseCount(query, 'max-keys'),
    keyMarker,
    versionIdMarker,
  };
}

/** ListMultipartUploads (`GET /bucket?uploads`). */
export function parseListUploadsQuery(query: Query): ListUploadsQuery {
  const keyMarker = nonEmpty(param(query, 'key-marker'));
  return {
    ...listingQuery(query),
    maxUploads: parseCount(query, 'max-uploads'),
    keyMarker,
    uploadIdMarker:
      keyMarker === undefined ? undefined : nonEmpty(param(query, 'upload-id-marker')),
  };
}

/** ListParts (`GET /bucket/key?uploadId=…`). */
export function parseListPartsQuery(query: Query): ListPartsQuery {
  return {
    maxParts: parseCount(query, 'max-parts'),
    partNumberMarker: parseInteger(query, 'part-number-marker') ?? 0,
  };
}

function listingQuery(query: Query): ListingQuery {
  const encodingType = param(query, 'encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', {
      fields: { ArgumentName: 'encoding-type', ArgumentValue: encodingType },
    });
  }
  return {
    prefix: param(query, 'prefix') ?? '',
    delimiter: param(query, 'delimiter') ?? '',
    encodingType,
  };
}

/** A page size: default and cap 1000; 0 is allowed and lists nothing. */
function parseCount(query: Query, name: string): number {
  return Math.min(parseInteger(query, name) ?? MAX_LIST_ITEMS, MAX_LIST_ITEMS);
}

const INT32_MAX = 2 ** 31 - 1;

function parseInteger(query: Query, name: string): number | undefined {
  const value = param(query, name);
  if (value === undefined) return undefined;
  const number = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number <= INT32_MAX)) {
    throw new S3Error(
      'InvalidArgument',
      `Argument ${name} must be an integer between 0 and ${INT32_MAX}`,
      {
        fields: { ArgumentName: name, ArgumentValue: value },
      },
    );
  }
  return number;
}

function param(query: Query, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' ? value : value?.[0];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
