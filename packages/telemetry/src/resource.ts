import { randomUUID } from 'node:crypto';
import type { Resource } from '@opentelemetry/resources';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';

/**
 * The identity every span, metric and log carries. The SDK's environment detector merges
 * OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES over it.
 */
export function createResource(serviceVersion: string | undefined): Resource {
  return defaultResource().merge(
    resourceFromAttributes({
      // `pnpm start` exports the package version; OTEL_RESOURCE_ATTRIBUTES can override it.
      'service.version': serviceVersion ?? process.env.npm_package_version ?? '0.0.0',
      // One id per process, so replicas of one service stay apart in Jaeger and Prometheus.
      'service.instance.id': randomUUID(),
    }),
  );
}
