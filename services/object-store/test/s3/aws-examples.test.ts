import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/domain/s3-error.ts';
import {
  listObjectsPage,
  listPartsPage,
  parseListObjectsV1Query,
  parseListObjectsV2Query,
  renderCompleteMultipartUpload,
  renderDeleteResult,
  renderError,
  renderInitiateMultipartUpload,
  renderListObjectsV1,
  renderListObjectsV2,
  renderListParts,
} from '../../src/domain/s3/index.ts';
import { memoryScan, objectEntry } from './memory-scan.ts';

/**
 * Byte-for-byte comparisons with the sample responses of AWS's S3 API reference, once the
 * samples' indentation is removed. Two spellings differ without changing the document: an
 * empty element (`<Marker></Marker>` and `<Marker/>`) and a quote in text (`"` and `&quot;`,
 * which S3 itself sends in ETags).
 */
function canonical(xml: string): string {
  return xml
    .trim()
    .replace(/>\s+</g, '><')
    .replace(/<([A-Za-z]+)([^>]*)><\/\1>/g, '<$1$2/>')
    .replaceAll('&quot;', '"');
}

describe('documents match the AWS API reference samples', () => {
  it('Error (NoSuchKey)', () => {
    const aws = `<?xml version="1.0" encoding="UTF-8"?>
      <Error>
        <Code>NoSuchKey</Code>
        <Message>The resource you requested does not exist</Message>
        <Resource>/mybucket/myfoto.jpg</Resource>
        <RequestId>4442587FB7D0A2F9</RequestId>
      </Error>`;
    const error = new S3Error('NoSuchKey', 'The resource you requested does not exist', {
      resource: '/mybucket/myfoto.jpg',
    });
    expect(canonical(renderError(error, { requestId: '4442587FB7D0A2F9' }))).toBe(canonical(aws));
  });

  it('ListObjectsV2 with prefix and start-after', async () => {
    const aws = `<?xml version="1.0" encoding="UTF-8"?>
      <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Name>quotes</Name>
        <Prefix>E</Prefix>
        <StartAfter>ExampleGuide.pdf</StartAfter>
        <KeyCount>1</KeyCount>
        <MaxKeys>3</MaxKeys>
        <IsTruncated>false</IsTruncated>
        <Contents>
          <Key>ExampleObject.txt</Key>
          <LastModified>2013-09-17T18:07:53.000Z</LastModified>
          <ETag>"599bab3ed2c697f1d26842727561fd94"</ETag>
          <Size>857</Size>
          <StorageClass>REDUCED_REDUNDANCY</StorageClass>
        </Contents>
      </ListBucketResult>`;
    const object = {
      key: 'ExampleObject.txt',
      lastModified: new Date('2013-09-17T18:07:53.000Z'),
      etag: '599bab3ed2c697f1d26842727561fd94',
      size: 857,
      storageClass: 'REDUCED_REDUNDANCY',
    };
    const bucket = [
      objectEntry('Apple.txt'),
      objectEntry('ExampleGuide.pdf'),
      object,
      objectEntry('Zebra.txt'),
    ];
    const query = parseListObjectsV2Query({
      'list-type': '2',
      'max-keys': '3',
      prefix: 'E',
      'start-after': 'ExampleGuide.pdf',
    });
    const page = await listObjectsPage(query, memoryScan(bucket).scan);
    expect(canonical(renderListObjectsV2('quotes', query, page))).toBe(canonical(aws));
  });

  it('ListObjects (v1) with prefix and delimiter', async () => {
    const aws = `<?xml version="1.0" encoding="UTF-8"?>
      <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Name>example-bucket</Name>
        <Prefix>photos/2006/</Prefix>
        <Marker></Marker>
        <MaxKeys>1000</MaxKeys>
        <Delimiter>/</Delimiter>
        <IsTruncated>false</IsTruncated>
        <CommonPrefixes>
          <Prefix>photos/2006/February/</Prefix>
        </CommonPrefixes>
        <CommonPrefixes>
          <Prefix>photos/2006/January/</Prefix>
        </CommonPrefixes>
      </ListBucketResult>`;
    const bucket = [
      'photos/2006/February/sample2.jpg',
      'photos/2006/February/sample3.jpg',
      'photos/2006/January/sample.jpg',
      'photos/2007/x.jpg',
    ].map((key) => objectEntry(key));
    const query = parseListObjectsV1Query({ prefix: 'photos/2006/', delimiter: '/' });
    const page = await listObjectsPage(query, memoryScan(bucket).scan);
    expect(canonical(renderListObjectsV1('example-bucket', query, page))).toBe(canonical(aws));
  });

  it('InitiateMultipartUploadResult', () => {
    const aws = `<?xml version="1.0" encoding="UTF-8"?>
      <InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Bucket>example-bucket</Bucket>
        <Key>example-object</Key>
        <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
      </InitiateMultipartUploadResult>`;
    const xml = renderInitiateMultipartUpload({
      bucket: 'example-bucket',
      key: 'example-object',
      uploadId: 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA',
    });
    expect(canonical(xml)).toBe(canonical(aws));
  });

  it('CompleteMultipartUploadResult', () => {
    const aws = `<?xml version="1.0" encoding="UTF-8"?>
      <CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Location>http://Example-Bucket.s3.us-east-1.amazonaws.com/Example-Object</Location>
        <Bucket>Example-Bucket</Bucket>
        <Key>Example-Object</Key>
        <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag>
      </CompleteMultipartUploadResult>`;
    const xml = renderCompleteMultipartUpload({
      location: 'http://Example-Bucket.s3.us-east-1.amazonaws.com/Example-Object',
      bucket: 'Example-Bucket',
      key: 'Example-Object',
      etag: '3858f62230ac3c915f300c664312c11f-9',
    });
    expect(canonical(xml)).toBe(canonical(aws));
  });

  it('ListPartsResult', () => {
    const aws = `<?xml version="1.0" encoding="UTF-8"?>
      <ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Bucket>example-bucket</Bucket>
        <Key>example-object</Key>
        <UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>
        <Initiator>
          <ID>arn:aws:iam::111122223333:user/some-user-11116a31-17b5-4fb7-9df5-b288870f11xx</ID>
          <DisplayName>umat-user-11116a31-17b5-4fb7-9df5-b288870f11xx</DisplayName>
        </Initiator>
        <Owner>
          <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
          <DisplayName>someName</DisplayName>
        </Owner>
        <StorageClass>STANDARD</StorageClass>
        <PartNumberMarker>1</PartNumberMarker>
        <NextPartNumberMarker>3</NextPartNumberMarker>
        <MaxParts>2</MaxParts>
        <IsTruncated>true</IsTruncated>
        <Part>
          <PartNumber>2</PartNumber>
          <LastModified>2010-11-10T20:48:34.000Z</LastModified>
          <ETag>"7778aef83f66abc1fa1e8477f296d394"</ETag>
          <Size>10485760</Size>
        </Part>
        <Part>
          <PartNumber>3</PartNumber>
          <LastModified>2010-11-10T20:48:33.000Z</LastModified>
          <ETag>"aaaa18db4cc2f85cedef654fccc4a4x8"</ETag>
          <Size>10485760</Size>
        </Part>
      </ListPartsResult>`;
    const part = (partNumber: number, at: string, etag: string) => ({
      partNumber,
      lastModified: new Date(at),
      etag,
      size: 10485760,
    });
    const parts = [
      part(1, '2010-11-10T20:48:30.000Z', '0123456789abcdef0123456789abcdef'),
      part(2, '2010-11-10T20:48:34.000Z', '7778aef83f66abc1fa1e8477f296d394'),
      part(3, '2010-11-10T20:48:33.000Z', 'aaaa18db4cc2f85cedef654fccc4a4x8'),
      part(4, '2010-11-10T20:48:35.000Z', 'fedcba9876543210fedcba9876543210'),
    ];
    const query = { partNumberMarker: 1, maxParts: 2 };
    const xml = renderListParts(
      {
        bucket: 'example-bucket',
        key: 'example-object',
        uploadId: 'XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA',
        initiator: {
          id: 'arn:aws:iam::111122223333:user/some-user-11116a31-17b5-4fb7-9df5-b288870f11xx',
          displayName: 'umat-user-11116a31-17b5-4fb7-9df5-b288870f11xx',
        },
        owner: {
          id: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a',
          displayName: 'someName',
        },
      },
      query,
      listPartsPage(query, parts),
    );
    expect(canonical(xml)).toBe(canonical(aws));
  });

  it('DeleteResult', () => {
    const aws = `<?xml version="1.0" encoding="UTF-8"?>
      <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Deleted>
          <Key>sample1.txt</Key>
        </Deleted>
        <Error>
          <Key>sample2.txt</Key>
          <Code>AccessDenied</Code>
          <Message>Access Denied</Message>
        </Error>
      </DeleteResult>`;
    const xml = renderDeleteResult({
      quiet: false,
      deleted: [{ key: 'sample1.txt' }],
      errors: [{ key: 'sample2.txt', code: 'AccessDenied', message: 'Access Denied' }],
    });
    expect(canonical(xml)).toBe(canonical(aws));
  });
});
