import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_DELETE_KEYS,
  parseCompleteMultipartUpload,
  parseCreateBucketConfiguration,
  parseDeleteObjects,
  parseVersioningConfiguration,
  renderVersioningConfiguration,
  XML_BODY_LIMITS,
} from '../../src/domain/s3/index.ts';
import { escapeXml } from '../../src/domain/s3/xml/escape-xml.ts';
import { catchS3Error } from './catch-s3-error.ts';
import { isXmlRepresentable } from './read-xml.ts';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function deleteBody(objects: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Delete ${NS}>${extra}${objects}</Delete>`;
}

describe('DeleteObjects body', () => {
  it('reads keys exactly, optional version ids and Quiet', () => {
    const body = deleteBody(
      `<Object><Key> spaced key </Key></Object>
       <Object><Key>a&amp;b&#13;c</Key><VersionId>v1</VersionId></Object>`,
      '<Quiet>true</Quiet>',
    );
    expect(parseDeleteObjects(body)).toEqual({
      quiet: true,
      objects: [
        { key: ' spaced key ', versionId: undefined },
        { key: 'a&b\rc', versionId: 'v1' },
      ],
    });
  });

  it('accepts bytes, a byte-order mark, namespace prefixes and Quiet=false', () => {
    const body = new TextEncoder().encode(
      `\ufeff<s3:Delete xmlns:s3="x"><s3:Quiet>False</s3:Quiet><s3:Object><s3:Key>k</s3:Key></s3:Object></s3:Delete>`,
    );
    expect(parseDeleteObjects(body)).toEqual({
      quiet: false,
      objects: [{ key: 'k', versionId: undefined }],
    });
  });

  it('round-trips any keys a client escapes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), {
          minLength: 1,
          maxLength: 20,
        }),
        (keys) => {
          fc.pre(keys.every(isXmlRepresentable));
          const body = deleteBody(
            keys.map((key) => `<Object><Key>${escapeXml(key)}</Key></Object>`).join(''),
          );
          expect(parseDeleteObjects(body).objects.map((object) => object.key)).toEqual(keys);
        },
      ),
    );
  });

  it.each([
    ['no objects', deleteBody('')],
    ['an object without a key', deleteBody('<Object><VersionId>v</VersionId></Object>')],
    ['two keys in one object', deleteBody('<Object><Key>a</Key><Key>b</Key></Object>')],
    ['a key with markup inside', deleteBody('<Object><Key>a<b/></Key></Object>')],
    [
      'Quiet that is not a boolean',
      deleteBody('<Object><Key>a</Key></Object>', '<Quiet>yes</Quiet>'),
    ],
    ['the wrong root', `<Remove ${NS}><Object><Key>a</Key></Object></Remove>`],
    ['two roots', `${deleteBody('<Object><Key>a</Key></Object>')}<Delete/>`],
    ['unclosed tags', `<Delete><Object><Key>a</Key></Delete>`],
    ['not XML', 'key=a'],
    ['an empty body', ''],
    ['invalid UTF-8', new Uint8Array([0x3c, 0x44, 0xff, 0x3e])],
    ['an undefined entity', deleteBody('<Object><Key>&nbsp;</Key></Object>')],
    [
      'an entity declaration',
      `<!DOCTYPE Delete [<!ENTITY x "y">]>${deleteBody('<Object><Key>&x;</Key></Object>')}`,
    ],
  ])('answers MalformedXML for %s', (_case, body) => {
    expect(catchS3Error(() => parseDeleteObjects(body))).toMatchObject({
      code: 'MalformedXML',
      status: 400,
    });
  });

  it('never expands entities, so a "billion laughs" body is refused at once', () => {
    const laughs = [
      '<!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level || ''};`.repeat(10)}">`,
      ),
    ].join('');
    const body = `<?xml version="1.0"?><!DOCTYPE Delete [${laughs}]><Delete><Object><Key>&lol9;</Key></Object></Delete>`;
    expect(catchS3Error(() => parseDeleteObjects(body)).code).toBe('MalformedXML');
  });

  it(`accepts ${MAX_DELETE_KEYS} keys and refuses one more with MalformedXML, as S3 does`, () => {
    const objects = (count: number) =>
      Array.from({ length: count }, (_, i) => `<Object><Key>key-${i}</Key></Object>`).join('');
    expect(parseDeleteObjects(deleteBody(objects(MAX_DELETE_KEYS))).objects).toHaveLength(
      MAX_DELETE_KEYS,
    );
    expect(
      catchS3Error(() => parseDeleteObjects(deleteBody(objects(MAX_DELETE_KEYS + 1)))).code,
    ).toBe('MalformedXML');
  });

  it('refuses a body over its size limit with MaxMessageLengthExceeded before parsing it', () => {
    const body = deleteBody(
      `<Object><Key>${'k'.repeat(XML_BODY_LIMITS.deleteObjects)}</Key></Object>`,
    );
    expect(catchS3Error(() => parseDeleteObjects(body))).toMatchObject({
      code: 'MaxMessageLengthExceeded',
      fields: { MaxMessageLengthBytes: String(XML_BODY_LIMITS.deleteObjects) },
    });
  });

  it('refuses nesting deeper than any S3 document needs', () => {
    const deep = `${'<a>'.repeat(50)}${'</a>'.repeat(50)}`;
    expect(
      catchS3Error(() => parseDeleteObjects(deleteBody(`<Object><Key>k</Key>${deep}</Object>`)))
        .code,
    ).toBe('MalformedXML');
  });
});

describe('CompleteMultipartUpload body', () => {
  const body = (parts: string) =>
    `<CompleteMultipartUpload ${NS}>${parts}</CompleteMultipartUpload>`;
  const part = (number: number | string, etag = `"etag-${number}"`, extra = '') =>
    `<Part><PartNumber>${number}</PartNumber><ETag>${etag}</ETag>${extra}</Part>`;

  it('reads part numbers, unquotes ETags (quoted, escaped or bare) and keeps checksums', () => {
    const parsed = parseCompleteMultipartUpload(
      body(
        part(1, '"aaa"', '<ChecksumCRC32>AAAAAA==</ChecksumCRC32>') +
          part(2, '&quot;bbb&quot;') +
          part(7, 'ccc'),
      ),
    );
    expect(parsed).toEqual([
      { partNumber: 1, etag: 'aaa', checksums: { ChecksumCRC32: 'AAAAAA==' } },
      { partNumber: 2, etag: 'bbb', checksums: {} },
      { partNumber: 7, etag: 'ccc', checksums: {} },
    ]);
  });

  it.each([
    ['descending', [2, 1]],
    ['repeated', [1, 1]],
  ])('answers InvalidPartOrder for %s part numbers', (_case, numbers) => {
    const error = catchS3Error(() =>
      parseCompleteMultipartUpload(body(numbers.map((n) => part(n)).join(''))),
    );
    expect(error).toMatchObject({ code: 'InvalidPartOrder', status: 400 });
  });

  it.each([0, 10001])('answers InvalidArgument for part number %i', (number) => {
    expect(catchS3Error(() => parseCompleteMultipartUpload(body(part(number)))).code).toBe(
      'InvalidArgument',
    );
  });

  it.each([
    ['no parts', body('')],
    ['a part without an ETag', body('<Part><PartNumber>1</PartNumber></Part>')],
    ['a part number that is not a number', body(part('one'))],
    ['the wrong root', `<Complete>${part(1)}</Complete>`],
  ])('answers MalformedXML for %s', (_case, xml) => {
    expect(catchS3Error(() => parseCompleteMultipartUpload(xml)).code).toBe('MalformedXML');
  });

  it('accepts all 10 000 parts of the largest upload', () => {
    const parts = Array.from({ length: 10_000 }, (_, i) =>
      part(i + 1, `"${'0123456789abcdef'.repeat(2)}"`, '<ChecksumCRC32>AAAAAA==</ChecksumCRC32>'),
    );
    expect(parseCompleteMultipartUpload(body(parts.join('\n  ')))).toHaveLength(10_000);
  });
});

describe('bucket configurations', () => {
  it.each(['Enabled', 'Suspended'] as const)(
    'reads versioning status %s and renders it back',
    (status) => {
      const xml = `<VersioningConfiguration ${NS}><Status>${status}</Status></VersioningConfiguration>`;
      expect(parseVersioningConfiguration(xml)).toEqual({ status, mfaDelete: undefined });
      expect(parseVersioningConfiguration(renderVersioningConfiguration(status)).status).toBe(
        status,
      );
    },
  );

  it('accepts an empty versioning configuration as "no change"', () => {
    for (const xml of [
      `<VersioningConfiguration ${NS}/>`,
      '<VersioningConfiguration>\n</VersioningConfiguration>',
    ]) {
      expect(parseVersioningConfiguration(xml)).toEqual({
        status: undefined,
        mfaDelete: undefined,
      });
    }
  });

  it('refuses an unknown versioning status or another root with MalformedXML', () => {
    for (const xml of [
      '<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>',
      '<Versioning><Status>Enabled</Status></Versioning>',
      '',
    ]) {
      expect(catchS3Error(() => parseVersioningConfiguration(xml)).code).toBe('MalformedXML');
    }
  });

  it('reads an optional CreateBucketConfiguration', () => {
    expect(parseCreateBucketConfiguration('')).toEqual({ locationConstraint: undefined });
    expect(parseCreateBucketConfiguration(new Uint8Array())).toEqual({
      locationConstraint: undefined,
    });
    expect(
      parseCreateBucketConfiguration(
        `<CreateBucketConfiguration ${NS}><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`,
      ),
    ).toEqual({ locationConstraint: 'eu-west-1' });
    expect(catchS3Error(() => parseCreateBucketConfiguration('<Bucket/>')).code).toBe(
      'MalformedXML',
    );
  });
});
