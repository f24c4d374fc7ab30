import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { urlEncodeName } from '../../src/domain/s3/index.ts';
import {
  element,
  optional,
  renderXmlDocument,
  s3Root,
} from '../../src/domain/s3/xml/xml-document.ts';
import { escapeXml } from '../../src/domain/s3/xml/escape-xml.ts';
import { decodeXmlText } from '../../src/domain/s3/xml/decode-xml-text.ts';
import { isXmlRepresentable, readXml } from './read-xml.ts';

describe('XML documents', () => {
  it('start with the declaration, carry the S3 namespace and leave absent fields out', () => {
    const xml = renderXmlDocument(
      s3Root('Root', [
        element('Empty'),
        optional('Absent', undefined),
        optional('Blank', ''),
        element('N', 7),
      ]),
    );
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<Root xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Empty/><N>7</N></Root>',
    );
  });

  it('write dates as ISO 8601 with milliseconds in UTC, and booleans as words', () => {
    const xml = renderXmlDocument(
      element('R', [element('At', new Date(Date.UTC(2026, 0, 1))), element('B', false)]),
    );
    expect(xml).toContain('<At>2026-01-01T00:00:00.000Z</At><B>false</B>');
  });

  it('escape markup, quotes, carriage returns and control characters', () => {
    expect(escapeXml('a&b<c>"d"\'e')).toBe("a&amp;b&lt;c&gt;&quot;d&quot;'e");
    expect(escapeXml('line\r\nnext\ttab\u0001')).toBe('line&#xD;\nnext\ttab&#x1;');
  });

  it('round-trips any text through a real parser', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        // XML 1.0 cannot carry most C0 controls even as references, so clients that use such
        // keys ask for encoding-type=url; every other string must come back unchanged.
        fc.pre(isXmlRepresentable(text));
        const xml = renderXmlDocument(element('R', [element('T', text)]));
        expect(readXml(xml)).toEqual({ R: { T: text } });
      }),
    );
  });

  it('decode only predefined entities and numeric references', () => {
    expect(decodeXmlText('a&amp;b&lt;&gt;&quot;&apos;&#13;&#x1F600;')).toBe('a&b<>"\'\r😀');
    expect(() => decodeXmlText('&nbsp;')).toThrow(/undefined entity/);
    expect(() => decodeXmlText('a & b')).toThrow(/bare/);
    expect(() => decodeXmlText('&#0;')).toThrow(/invalid character/);
    expect(() => decodeXmlText('&#xD800;')).toThrow(/invalid character/);
  });
});

describe('encoding-type=url', () => {
  it('encodes like S3: letters, digits, -_.*/ kept, space as +, everything else %XX of UTF-8', () => {
    expect(urlEncodeName('photos/2026/a b+c.jpg')).toBe('photos/2026/a+b%2Bc.jpg');
    expect(urlEncodeName('x~y!z*_-')).toBe('x%7Ey%21z*_-');
    expect(urlEncodeName('é\r\u0001😀')).toBe('%C3%A9%0D%01%F0%9F%98%80');
  });

  it('is undone by form decoding, as clients (botocore, minio-js) decode it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        expect(decodeURIComponent(urlEncodeName(name).replaceAll('+', ' '))).toBe(name);
      }),
    );
  });
});
