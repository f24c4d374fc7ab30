import fastify, { LogController } from 'fastify';
import type { FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ReadinessCheck } from './check-readiness.ts';
import { isDraining } from './draining.ts';
import { addHealthRoutes } from './health-routes.ts';
import { loggerOptions } from './logger-options.ts';
import type { LoggerOptions } from './logger-options.ts';
import { addProblemHandlers } from './problem-handlers.ts';
import { problemOf } from './problem-of.ts';
import { sendProblem } from './send-problem.ts';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';
import type { RoutePlugin, ServiceApp } from './service-app.ts';

export interface ServiceOptions {
  /** Service name: the OpenAPI title and the `name` of every log line. */
  name: string;
  version?: string;
  /** Plugins that add the service's routes, registered after the kit's own. */
  routes?: RoutePlugin[];
  /** Named dependency checks run by /readyz, e.g. `{ postgres: () => pool.query('select 1') }`. */
  readiness?: Record<string, ReadinessCheck>;
  /** Bound on each readiness check. Default 2000 ms. */
  readinessTimeoutMs?: number;
  /** Largest accepted request body in bytes. Default 1 MiB. */
  bodyLimit?: number;
  logger?: LoggerOptions;
  /**
   * Answers the errors fastify raises before any route runs (a path that is not valid
   * percent-encoding, an over-long parameter), for a service whose protocol has its own error
   * format (S3 XML). By default they are problem+json like every other error.
   */
  frameworkErrors?: FastifyServerOptions['frameworkErrors'];
}

const MiB = 1024 * 1024;
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * A fastify app with the kit's behaviour: TypeBox schemas, request ids, problem+json errors,
 * /healthz and /readyz, OpenAPI at /docs. Not listening: tests call `inject()`,
 * entrypoints call runService().
 */
export function createService(options: ServiceOptions): ServiceApp {
  const app = fastify({
    logger: loggerOptions(options.name, options.logger),
    bodyLimit: options.bodyLimit ?? MiB,
    genReqId: requestIdOf,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      // Probes arrive every few seconds; their access lines would drown the real traffic.
      disableRequestLogging: (request) => PROBES.has(request.url),
    }),
    // Report every invalid field at once, not only the first.
    ajv: { customOptions: { allErrors: true } },
    frameworkErrors:
      options.frameworkErrors ??
      ((error, request, reply) => sendProblem(request, reply, problemOf(error))),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  addProblemHandlers(app);
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.name, version: options.version ?? '0.0.0' },
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
  const health = {
    checks: options.readiness ?? {},
    timeoutMs: options.readinessTimeoutMs ?? 2_000,
    isDraining: () => isDraining(app),
  };
  // Inside a plugin so the routes are added after swagger is listening for them.
  void app.register((instance, _options, done) => {
    addHealthRoutes(instance, health);
    done();
  });
  for (const routes of options.routes ?? []) {
    void app.register(async (instance) => {
      await routes(instance);
    });
  }
  return app;
}
