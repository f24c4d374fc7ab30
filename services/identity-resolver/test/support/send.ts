import type { ServiceApp } from '@scale-models/service-kit';
import { WRITE_KEY } from './harness.ts';

const authorization = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

/** Posts calls to /v1/batch as a Segment library would; throws unless accepted. */
export async function sendBatch(app: ServiceApp, batch: Record<string, unknown>[]): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization, 'content-type': 'application/json' },
    payload: JSON.stringify({ batch }),
  });
  if (response.statusCode !== 200)
    throw new Error(`batch refused: ${response.statusCode} ${response.body}`);
}
