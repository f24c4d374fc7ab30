import { Type } from 'typebox';
import type { ServiceApp } from './service-app.ts';
import { checkReadiness } from './check-readiness.ts';
import type { ReadinessCheck } from './check-readiness.ts';

export interface HealthOptions {
  checks: Record<string, ReadinessCheck>;
  timeoutMs: number;
  isDraining: () => boolean;
}

const Dependency = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  reason: Type.Optional(Type.Union([Type.Literal('timeout'), Type.Literal('error')])),
});
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready'), Type.Literal('draining')]),
  dependencies: Type.Record(Type.String(), Dependency),
});

/**
 * /healthz says the process is alive (restart it if not); /readyz says it can serve now
 * (send it traffic), which needs every dependency and not being in shutdown.
 */
export function addHealthRoutes(app: ServiceApp, options: HealthOptions): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: { tags: ['health'], response: { 200: Readiness, 503: Readiness } },
    },
    async (request, reply) => {
      if (options.isDraining())
        return reply.code(503).send({ status: 'draining', dependencies: {} });
      const report = await checkReadiness(options.checks, options.timeoutMs, request.log);
      return reply
        .code(report.ready ? 200 : 503)
        .send({ status: report.ready ? 'ready' : 'not-ready', dependencies: report.dependencies });
    },
  );
}
