import { describe, expect, it } from 'vitest';
import { canonicalQuery } from '../../src/domain/sigv4/canonical-query.ts';

describe('canonicalQuery', () => {
  it.each([
    ['', ''],
    ['lifecycle', 'lifecycle='],
    ['prefix=J&max-keys=2', 'max-keys=2&prefix=J'],
    ['tag=b&tag=a&tag=', 'tag=&tag=a&tag=b'],
    ['a=1&&b=2&', 'a=1&b=2'],
  ])('%j is %j: bare names get "=", pairs sort by name then value', (raw, canonical) => {
    expect(canonicalQuery(raw)).toBe(canonical);
  });

  it.each([
    ['p=%7e%2a', 'p=~%2A'],
    ['p=~*!', 'p=~%2A%21'],
    ['p=a+b', 'p=a%2Bb'],
    ['p=a%20b', 'p=a%20b'],
    ['p=%C3%BC', 'p=%C3%BC'],
    ['p=ü', 'p=%C3%BC'],
    ['p=100%', 'p=100%25'],
    ['p=%zz', 'p=%25zz'],
  ])('%j is %j: one canonical encoding of the same bytes', (raw, canonical) => {
    expect(canonicalQuery(raw)).toBe(canonical);
  });

  it('leaves out the parameter named to omit, the presigned signature', () => {
    expect(canonicalQuery('X-Amz-Signature=abc&X-Amz-Date=1', 'X-Amz-Signature')).toBe(
      'X-Amz-Date=1',
    );
  });
});
