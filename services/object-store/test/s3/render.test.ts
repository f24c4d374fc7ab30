import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/domain/s3-error.ts';
import {
  encodeContinuationToken,
  listObjectsPage,
  parseListObjectsV1Query,
  parseListObjectsV2Query,
  parseListUploadsQuery,
  parseListVersionsQuery,
  renderAccessControlPolicy,
  renderCompleteMultipartUpload,
  renderCopyObjectResult,
  renderCopyPartResult,
  renderDeleteResult,
  renderError,
  renderInitiateMultipartUpload,
  renderListBuckets,
  renderListMultipartUploads,
  renderListObjectsV1,
  renderListObjectsV2,
  renderListParts,
  renderListVersions,
  renderLocationConstraint,
  renderVersioningConfiguration,
  type ObjectEntry,
  type VersionEntry,
} from '../../src/domain/s3/index.ts';
import { childOrder, readXml } from './read-xml.ts';
import { memoryScan, objectEntry } from './memory-scan.ts';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const owner = { id: 'owner-id', displayName: 'owner' };
const t0 = new Date('2026-01-01T00:00:00.000Z');

describe('error documents', () => {
  it('carry code, message, extra fields, resource and request id, without a namespace', () => {
    const error = new S3Error('NoSuchKey', 'The specified key does not exist.', {
      fields: { Key: 'a&b.txt' },
    });
    const xml = renderError(error, {
      requestId: 'REQ1',
      resource: '/bucket/a&b.txt',
      hostId: 'host',
    });
    expect(readXml(xml)).toEqual({
      Error: {
        Code: 'NoSuchKey',
        Message: 'The specified key does not exist.',
        Key: 'a&b.txt',
        Resource: '/bucket/a&b.txt',
        RequestId: 'REQ1',
        HostId: 'host',
      },
    });
    expect(childOrder(xml)).toEqual(['Code', 'Message', 'Key', 'Resource', 'RequestId', 'HostId']);
  });

  it('never have an empty message (the AWS CLI crashes on one)', () => {
    const xml = renderError(new S3Error('InternalError', ''), { requestId: 'R' });
    expect(readXml(xml)).toMatchObject({
      Error: { Code: 'InternalError', Message: 'InternalError' },
    });
  });
});

describe('ListObjectsV2', () => {
  const entries: ObjectEntry[] = ['a b.txt', 'dir/x', 'dir/y', 'é.txt'].map((key) => ({
    ...objectEntry(key, 3),
    owner,
  }));

  it('reports KeyCount, the next token, common prefixes and quoted ETags', async () => {
    const query = parseListObjectsV2Query({ delimiter: '/', 'max-keys': '2' });
    const page = await listObjectsPage(query, memoryScan(entries).scan);
    expect(readXml(renderListObjectsV2('bucket', query, page))).toEqual({
      ListBucketResult: {
        '@xmlns': NS,
        Name: 'bucket',
        Prefix: '',
        NextContinuationToken: encodeContinuationToken('dir/'),
        KeyCount: '2',
        MaxKeys: '2',
        Delimiter: '/',
        IsTruncated: 'true',
        Contents: [
          {
            Key: 'a b.txt',
            LastModified: '2026-01-01T00:00:00.000Z',
            ETag: '"d41d8cd98f00b204e9800998ecf8427e"',
            Size: '3',
            StorageClass: 'STANDARD',
          },
        ],
        CommonPrefixes: [{ Prefix: 'dir/' }],
      },
    });
  });

  it('echoes the continuation token and start-after, and shows owners only with fetch-owner', async () => {
    const token = encodeContinuationToken('a b.txt');
    const query = parseListObjectsV2Query({
      'continuation-token': token,
      'start-after': 'a',
      'fetch-owner': 'true',
    });
    const page = await listObjectsPage(query, memoryScan(entries).scan);
    const xml = renderListObjectsV2('bucket', query, page);
    expect(readXml(xml)).toMatchObject({
      ListBucketResult: {
        ContinuationToken: token,
        StartAfter: 'a',
        KeyCount: '3',
        IsTruncated: 'false',
        Contents: [
          { Key: 'dir/x', Owner: { ID: 'owner-id', DisplayName: 'owner' } },
          { Key: 'dir/y' },
          { Key: 'é.txt' },
        ],
      },
    });
    expect(xml).not.toContain('NextContinuationToken');
  });

  it('URL-encodes keys, prefixes, delimiter and start-after for encoding-type=url', async () => {
    const query = parseListObjectsV2Query({
      'encoding-type': 'url',
      prefix: 'é',
      'start-after': 'a b',
    });
    const page = await listObjectsPage(query, memoryScan(entries).scan);
    expect(readXml(renderListObjectsV2('bucket', query, page))).toMatchObject({
      ListBucketResult: {
        Prefix: '%C3%A9',
        StartAfter: 'a+b',
        EncodingType: 'url',
        Contents: [{ Key: '%C3%A9.txt' }],
      },
    });
  });
});

describe('ListObjects v1', () => {
  const entries = ['a', 'dir/x', 'z'].map((key) => ({ ...objectEntry(key), owner }));

  it('always has Marker and Owner, and NextMarker only with a delimiter', async () => {
    const withDelimiter = parseListObjectsV1Query({ delimiter: '/', 'max-keys': '2' });
    const page = await listObjectsPage(withDelimiter, memoryScan(entries).scan);
    expect(readXml(renderListObjectsV1('bucket', withDelimiter, page))).toMatchObject({
      ListBucketResult: {
        Marker: '',
        NextMarker: 'dir/',
        IsTruncated: 'true',
        MaxKeys: '2',
        Contents: [{ Key: 'a', Owner: { ID: 'owner-id', DisplayName: 'owner' } }],
      },
    });

    const plain = parseListObjectsV1Query({ 'max-keys': '1', marker: 'a' });
    const plainPage = await listObjectsPage(plain, memoryScan(entries).scan);
    const xml = renderListObjectsV1('bucket', plain, plainPage);
    expect(readXml(xml)).toMatchObject({ ListBucketResult: { Marker: 'a', IsTruncated: 'true' } });
    expect(xml).not.toContain('NextMarker');
  });
});

describe('ListObjectVersions', () => {
  const versions: VersionEntry[] = [
    { kind: 'deleteMarker', key: 'k', versionId: 'v3', isLatest: true, lastModified: t0, owner },
    { ...objectEntry('k'), kind: 'version', versionId: 'v2', isLatest: false, owner },
    { ...objectEntry('k'), kind: 'version', versionId: 'v1', isLatest: false },
  ];

  it('keeps versions and delete markers interleaved in listing order', () => {
    const query = parseListVersionsQuery({ 'key-marker': 'a', 'version-id-marker': 'x' });
    const xml = renderListVersions('bucket', query, {
      versions,
      commonPrefixes: [],
      isTruncated: true,
      nextKeyMarker: 'k',
      nextVersionIdMarker: 'v1',
    });
    expect(childOrder(xml)).toEqual([
      'Name',
      'Prefix',
      'KeyMarker',
      'VersionIdMarker',
      'NextKeyMarker',
      'NextVersionIdMarker',
      'MaxKeys',
      'IsTruncated',
      'DeleteMarker',
      'Version',
      'Version',
    ]);
    expect(readXml(xml)).toMatchObject({
      ListVersionsResult: {
        KeyMarker: 'a',
        VersionIdMarker: 'x',
        NextKeyMarker: 'k',
        NextVersionIdMarker: 'v1',
        DeleteMarker: [
          {
            Key: 'k',
            VersionId: 'v3',
            IsLatest: 'true',
            LastModified: '2026-01-01T00:00:00.000Z',
            Owner: { ID: 'owner-id', DisplayName: 'owner' },
          },
        ],
        Version: [
          {
            VersionId: 'v2',
            IsLatest: 'false',
            ETag: '"d41d8cd98f00b204e9800998ecf8427e"',
            Size: '1',
          },
          { VersionId: 'v1', IsLatest: 'false', StorageClass: 'STANDARD' },
        ],
      },
    });
  });
});

describe('multipart documents', () => {
  it('InitiateMultipartUploadResult names bucket, key and upload id', () => {
    const xml = renderInitiateMultipartUpload({ bucket: 'b', key: 'k<1>', uploadId: 'u' });
    expect(readXml(xml)).toMatchObject({
      InitiateMultipartUploadResult: { '@xmlns': NS, Bucket: 'b', Key: 'k<1>', UploadId: 'u' },
    });
  });

  it('CompleteMultipartUploadResult quotes the multipart ETag and adds checksums', () => {
    const xml = renderCompleteMultipartUpload({
      location: 'http://localhost:7200/b/k',
      bucket: 'b',
      key: 'k',
      etag: 'abc-2',
      checksums: { ChecksumCRC32: 'AAAA' },
      checksumType: 'COMPOSITE',
    });
    expect(readXml(xml)).toMatchObject({
      CompleteMultipartUploadResult: {
        Location: 'http://localhost:7200/b/k',
        ETag: '"abc-2"',
        ChecksumCRC32: 'AAAA',
        ChecksumType: 'COMPOSITE',
      },
    });
  });

  it('ListPartsResult pages parts with the markers and the upload owner', () => {
    const xml = renderListParts(
      { bucket: 'b', key: 'k', uploadId: 'u', initiator: owner, owner },
      { partNumberMarker: 1, maxParts: 2 },
      {
        parts: [2, 3].map((partNumber) => ({
          partNumber,
          lastModified: t0,
          etag: `e${partNumber}`,
          size: 5,
        })),
        isTruncated: true,
        nextPartNumberMarker: 3,
      },
    );
    expect(readXml(xml)).toMatchObject({
      ListPartsResult: {
        UploadId: 'u',
        Initiator: { ID: 'owner-id' },
        PartNumberMarker: '1',
        NextPartNumberMarker: '3',
        MaxParts: '2',
        IsTruncated: 'true',
        Part: [
          { PartNumber: '2' },
          { PartNumber: '3', LastModified: '2026-01-01T00:00:00.000Z', ETag: '"e3"', Size: '5' },
        ],
      },
    });
  });

  it('ListMultipartUploadsResult lists uploads and common prefixes, URL-encoded on request', () => {
    const query = parseListUploadsQuery({ delimiter: '/', 'encoding-type': 'url' });
    const xml = renderListMultipartUploads('b', query, {
      uploads: [{ key: 'a b', uploadId: 'u1', initiated: t0, owner, initiator: owner }],
      commonPrefixes: ['dir é/'],
      isTruncated: false,
      nextKeyMarker: undefined,
      nextUploadIdMarker: undefined,
    });
    expect(readXml(xml)).toMatchObject({
      ListMultipartUploadsResult: {
        Bucket: 'b',
        KeyMarker: '',
        Delimiter: '/',
        MaxUploads: '1000',
        Upload: [{ Key: 'a+b', UploadId: 'u1', Initiated: '2026-01-01T00:00:00.000Z' }],
        CommonPrefixes: [{ Prefix: 'dir+%C3%A9/' }],
      },
    });
  });
});

describe('object and bucket documents', () => {
  it('CopyObjectResult and CopyPartResult carry LastModified and the quoted ETag', () => {
    const copy = { etag: 'abc', lastModified: t0 };
    const expected = { LastModified: '2026-01-01T00:00:00.000Z', ETag: '"abc"' };
    expect(readXml(renderCopyObjectResult(copy))).toMatchObject({ CopyObjectResult: expected });
    expect(readXml(renderCopyPartResult(copy))).toMatchObject({ CopyPartResult: expected });
  });

  it('DeleteResult lists deleted keys and per-key errors, only errors in quiet mode', () => {
    const result = {
      deleted: [
        { key: 'a' },
        { key: 'b', versionId: 'v', deleteMarker: true, deleteMarkerVersionId: 'm' },
      ],
      errors: [{ key: 'c', code: 'AccessDenied', message: 'Access Denied' }],
    };
    const error = { Key: 'c', Code: 'AccessDenied', Message: 'Access Denied' };
    expect(readXml(renderDeleteResult({ ...result, quiet: false }))).toEqual({
      DeleteResult: {
        '@xmlns': NS,
        Deleted: [
          { Key: 'a' },
          { Key: 'b', VersionId: 'v', DeleteMarker: 'true', DeleteMarkerVersionId: 'm' },
        ],
        Error: [error],
      },
    });
    expect(readXml(renderDeleteResult({ ...result, quiet: true }))).toEqual({
      DeleteResult: { '@xmlns': NS, Error: [error] },
    });
  });

  it('VersioningConfiguration is empty until versioning was enabled', () => {
    expect(renderVersioningConfiguration(undefined)).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="${NS}"/>`,
    );
    expect(readXml(renderVersioningConfiguration('Suspended'))).toMatchObject({
      VersioningConfiguration: { Status: 'Suspended' },
    });
  });

  it('AccessControlPolicy grants the owner FULL_CONTROL as a canonical user', () => {
    expect(readXml(renderAccessControlPolicy(owner))).toMatchObject({
      AccessControlPolicy: {
        Owner: { ID: 'owner-id', DisplayName: 'owner' },
        AccessControlList: {
          Grant: [
            {
              Grantee: {
                '@xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
                '@xsi:type': 'CanonicalUser',
                ID: 'owner-id',
                DisplayName: 'owner',
              },
              Permission: 'FULL_CONTROL',
            },
          ],
        },
      },
    });
  });

  it('LocationConstraint is empty for us-east-1 and the region otherwise', () => {
    expect(renderLocationConstraint('us-east-1')).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${NS}"/>`,
    );
    expect(readXml(renderLocationConstraint('eu-west-1'))).toMatchObject({
      LocationConstraint: { '#text': 'eu-west-1' },
    });
  });

  it('ListAllMyBucketsResult lists the owner and buckets with creation dates', () => {
    const xml = renderListBuckets({
      owner,
      buckets: [
        { name: 'b1', creationDate: t0 },
        { name: 'b2', creationDate: t0, region: 'eu-west-1' },
      ],
    });
    expect(readXml(xml)).toMatchObject({
      ListAllMyBucketsResult: {
        Owner: { ID: 'owner-id', DisplayName: 'owner' },
        Buckets: {
          Bucket: [
            { Name: 'b1', CreationDate: '2026-01-01T00:00:00.000Z' },
            { Name: 'b2', CreationDate: '2026-01-01T00:00:00.000Z', BucketRegion: 'eu-west-1' },
          ],
        },
      },
    });
  });
});
