import { describe, expect, it } from 'vitest';
import { startChildApp } from './support/child-app.ts';

describe('the register entry', () => {
  it('runs the app without touching the network when no OTLP endpoint is set', async () => {
    const app = startChildApp('minimal-app.ts', { OTEL_SERVICE_NAME: 'minimal-app' });

    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.stderr()).toBe('');
    const [log, report] = app.jsonLines();
    // Spans still exist locally, so logs carry their ids...
    expect(log).toMatchObject({ msg: 'working' });
    expect(log?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    // ...but no exporter opened a socket, not even at shutdown.
    expect(report).toEqual({ clientSockets: 0 });
  });

  it('patches kafkajs, pg, pino and fastify when the app loads them with ESM import', async () => {
    const app = startChildApp('esm-imports.ts', {});

    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.jsonLines()).toEqual([{ kafkajs: true, pg: true, pino: true, fastify: true }]);
  });

  it('stays out of the way when OTEL_SDK_DISABLED is true', async () => {
    const app = startChildApp('minimal-app.ts', { OTEL_SDK_DISABLED: 'true' });

    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.stderr()).toBe('');
    const [log] = app.jsonLines();
    expect(log).toMatchObject({ msg: 'working' });
    expect(log).not.toHaveProperty('trace_id');
  });
});
