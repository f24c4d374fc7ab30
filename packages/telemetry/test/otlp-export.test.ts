import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildApp } from './support/child-app.ts';

interface Received {
  path: string;
  contentType: string | undefined;
  body: Buffer;
}

// A stand-in for the OpenTelemetry Collector: records what arrives on its OTLP/HTTP port.
describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  const received: Received[] = [];
  let collector: Server;
  let endpoint: string;

  beforeAll(async () => {
    collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const contentType = request.headers['content-type'];
        received.push({ path: request.url ?? '', contentType, body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': contentType ?? 'application/json' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => collector.close(resolve));
  });

  it('exports spans, metrics and logs over OTLP/HTTP before the app exits', async () => {
    const app = startChildApp('minimal-app.ts', {
      OTEL_SERVICE_NAME: 'otlp-probe',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    });

    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.stderr()).toBe('');
    const paths = await eventually(() => {
      const seen = received.map((request) => request.path).sort();
      expect(seen).toEqual(['/v1/logs', '/v1/metrics', '/v1/traces']);
      return seen;
    });
    expect(paths).toHaveLength(3);
    for (const request of received) {
      expect(request.body.length).toBeGreaterThan(0);
      // JSON or protobuf, the resource's service name is in the payload as plain bytes.
      expect(request.body.includes('otlp-probe')).toBe(true);
    }
    const traces = received.find((request) => request.path === '/v1/traces')!;
    expect(traces.body.includes('minimal-app')).toBe(true);
  });

  it('flushes on SIGTERM when the app has no handler, then dies of the signal as usual', async () => {
    received.length = 0;
    const app = startChildApp('idle-app.ts', {
      OTEL_SERVICE_NAME: 'idle-probe',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    });
    await eventually(() =>
      expect(app.jsonLines()).toContainEqual(expect.objectContaining({ msg: 'idle' })),
    );

    expect(await app.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    const traces = received.find((request) => request.path === '/v1/traces');
    expect(traces?.body.includes('idle-probe')).toBe(true);
  });
});
