import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS } from '../support/fixtures.ts';

interface LogLine {
  msg: string;
  level: number;
  req?: { url: string };
}

describe('logging on the serving hot paths', () => {
  let h: Harness;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as LogLine);
    });
    h = await startHarness({ registry: DRIVERS, logger: { level: 'info', stream } });
  });
  afterAll(() => h.close());

  const post = (url: string, payload: object) =>
    h.app.inject({ method: 'POST', url, headers: authHeaders, payload });
  const accessLinesOf = (url: string) =>
    lines.filter((line) => line.msg === 'incoming request' && line.req?.url === url);

  it('writes no access lines for inference and online lookups, at the default level', async () => {
    const infer = await post('/v2/models/eta/infer', {
      inputs: [{ name: 'driver_id', datatype: 'INT64', shape: [1], data: [1] }],
    });
    const online = await post('/v1/get-online-features', {
      features: ['driver_stats:conv_rate'],
      entities: { driver_id: [1] },
    });
    const registry = await h.app.inject({
      method: 'GET',
      url: '/v1/registry',
      headers: authHeaders,
    });

    expect(infer.statusCode).toBe(404); // no model: the route still ran
    expect(online.statusCode).toBe(200);
    expect(registry.statusCode).toBe(200);
    expect(accessLinesOf('/v2/models/eta/infer')).toEqual([]);
    expect(accessLinesOf('/v1/get-online-features')).toEqual([]);
    expect(accessLinesOf('/v1/registry')).toHaveLength(1);
  });
});
