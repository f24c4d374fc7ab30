import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

/** The fastify instance createService returns: route schemas are TypeBox, so handlers are typed. */
export type ServiceApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * Adds a service's routes. The kit registers each as its own fastify plugin, so hooks and
 * decorators it adds stay inside; it may be sync, and may itself `app.register()` plugins.
 */
export type RoutePlugin = (app: ServiceApp) => void | Promise<void>;
