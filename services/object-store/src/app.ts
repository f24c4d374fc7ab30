import { createService } from '@scale-models/service-kit';
import type { LoggerOptions, ServiceApp } from '@scale-models/service-kit';
import type { GatewayDeps } from './api/gateway-deps.ts';
import { replyWithS3Error } from './api/s3-errors.ts';
import { s3Routes } from './api/s3-routes.ts';
import { S3Error } from './domain/s3-error.ts';
import { storeRoutes } from './api/store-routes.ts';
import { writeQuorum } from './domain/quorum.ts';
import type { Scrubber } from './healing/scrubber.ts';

export interface GatewayAppDeps extends GatewayDeps {
  scrubber: Scrubber;
  logger?: LoggerOptions;
}

/**
 * The S3 gateway: S3 REST at `/`, the store's metrics and scrub trigger at `/_store`, and the
 * service kit's `/healthz`, `/readyz` and `/docs`. Ready when PostgreSQL answers and enough
 * storage nodes do to take a write.
 */
export function buildGateway(deps: GatewayAppDeps): ServiceApp {
  return createService({
    name: 'object-store',
    routes: [storeRoutes(deps.metrics, deps.scrubber), s3Routes(deps)],
    readiness: {
      postgres: async () => {
        await deps.pool.query('SELECT 1');
      },
      'storage-nodes': () => requireWriteQuorum(deps),
    },
    logger: deps.logger,
    // A path fastify cannot even decode never reaches the S3 route: answer it in S3 XML too.
    frameworkErrors: (error, request, reply) => {
      const invalid = new S3Error('InvalidURI', 'Could not parse the specified URI.', {
        cause: error,
      });
      void replyWithS3Error(invalid, request, reply);
    },
  });
}

async function requireWriteQuorum({ nodes, codec }: GatewayDeps): Promise<void> {
  const answers = await Promise.allSettled([...nodes.values()].map((node) => node.ping()));
  const up = answers.filter((answer) => answer.status === 'fulfilled').length;
  const needed = writeQuorum(codec.dataShards, codec.parityShards);
  if (up < needed) throw new Error(`${up} storage nodes answer, ${needed} are needed to write`);
}
