import { describe, expect, it } from 'vitest';
import { createPayloadHashVerifier, verifyRequestSignature } from '../../src/domain/sigv4/index.ts';
import { PUT_OBJECT, PUT_OBJECT_BODY, exampleOptions } from './fixtures/aws-example.ts';

function verifierForThePutExample() {
  const auth = verifyRequestSignature(PUT_OBJECT, exampleOptions());
  if (auth.payload.kind !== 'signed') throw new Error('the PUT example signs its payload');
  return createPayloadHashVerifier(auth.payload.sha256);
}

describe('createPayloadHashVerifier', () => {
  it('accepts the body whose SHA-256 was signed, however it streams in', () => {
    const verifier = verifierForThePutExample();
    verifier.update(Buffer.from(PUT_OBJECT_BODY.slice(0, 7)));
    verifier.update(Buffer.from(PUT_OBJECT_BODY.slice(7)));
    expect(() => verifier.verify()).not.toThrow();
  });

  it('refuses any other body: XAmzContentSHA256Mismatch with both hashes', () => {
    const verifier = verifierForThePutExample();
    verifier.update(Buffer.from('Welcome to Amazon S4.'));
    expect(() => verifier.verify()).toThrow(
      expect.objectContaining({
        code: 'XAmzContentSHA256Mismatch',
        status: 400,
        fields: {
          ClientComputedContentSHA256:
            '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
          S3ComputedContentSHA256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        },
      }),
    );
  });
});
