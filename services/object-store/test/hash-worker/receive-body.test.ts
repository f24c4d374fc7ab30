import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createHashPool, HashWorkerError } from '../../src/adapters/hash-worker/index.ts';
import { receiveBody } from '../../src/api/receive-body.ts';
import type { ReceivedBody } from '../../src/api/receive-body.ts';
import { S3Error } from '../../src/domain/s3-error.ts';
import type { PayloadMode } from '../../src/domain/sigv4/index.ts';
import type { AuthContext } from '../../src/domain/sigv4/index.ts';

const pool = createHashPool({ size: 1 });
const crashing = createHashPool({
  size: 1,
  script: new URL('./fixtures/crashing-hash-thread.ts', import.meta.url),
  batchBytes: 5,
});

afterAll(async () => {
  await Promise.all([pool.close(), crashing.close()]);
});

function authWith(payload: PayloadMode): AuthContext {
  return {
    accessKeyId: 'AKIDEXAMPLE',
    region: 'us-east-1',
    scope: '20260101/us-east-1/s3/aws4_request',
    amzDate: '20260101T000000Z',
    signingKey: Buffer.alloc(32),
    seedSignature: '0'.repeat(64),
    payload,
    presigned: false,
  };
}

const digest = (algorithm: string, body: Buffer, encoding: 'hex' | 'base64') =>
  createHash(algorithm).update(body).digest(encoding);

/** A plain (not aws-chunked) body in `pieces`, received and drained as the data path would. */
async function receive(
  body: Buffer,
  payload: PayloadMode,
  headers: Record<string, string> = {},
  hashPool = pool,
): Promise<ReceivedBody> {
  const half = body.length >> 1;
  const pieces = [body.subarray(0, 7), body.subarray(7, half), body.subarray(half)];
  const raw = Readable.from(pieces) as unknown as IncomingMessage;
  const received = receiveBody(
    raw,
    { 'content-length': String(body.length), ...headers },
    authWith(payload),
    2 ** 30,
    hashPool,
  );
  for await (const chunk of received.source) expect(chunk.length).toBeGreaterThan(0);
  return received;
}

describe('receiveBody with hashing on a thread', () => {
  it('gives the ETag and checks a signed body and its checksum with one SHA-256', async () => {
    const body = randomBytes(100_000);
    const sha256 = digest('sha256', body, 'hex');
    const received = await receive(
      body,
      { kind: 'signed', sha256 },
      {
        'content-md5': digest('md5', body, 'base64'),
        'x-amz-checksum-sha256': digest('sha256', body, 'base64'),
      },
    );
    expect(await received.finish()).toEqual({
      size: body.length,
      md5Hex: digest('md5', body, 'hex'),
      checksum: { algorithm: 'SHA256', value: digest('sha256', body, 'base64') },
    });
  });

  it('refuses a body that is not the one signed', async () => {
    const body = randomBytes(100_000);
    const received = await receive(body, { kind: 'signed', sha256: 'ab'.repeat(32) });
    const error = await received.finish().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).code).toBe('XAmzContentSHA256Mismatch');
    expect((error as S3Error).fields.S3ComputedContentSHA256).toBe(digest('sha256', body, 'hex'));
  });

  it('fails the upload, not hangs it, when the hash thread dies (answered as InternalError)', async () => {
    // The thread dies at byte 1000: while the body streams or before the digests, either way.
    const body = Buffer.concat([randomBytes(1000), Buffer.from('CRASH'), randomBytes(5)]);
    const upload = async () => (await receive(body, { kind: 'unsigned' }, {}, crashing)).finish();
    await expect(upload()).rejects.toBeInstanceOf(HashWorkerError);
  });
});
