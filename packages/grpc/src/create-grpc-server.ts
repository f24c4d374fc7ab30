import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ServerOptions, ServiceDefinition } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { consoleLogger } from './logger.ts';
import type { GrpcLogger } from './logger.ts';
import { wrapService } from './wrap-service.ts';
import type { GrpcImplementation } from './wrap-service.ts';

export interface GrpcServiceRegistration {
  /** `lookupService(proto, 'pkg.Service').service`. */
  definition: ServiceDefinition;
  implementation: GrpcImplementation;
}

export interface GrpcServerOptions {
  services: GrpcServiceRegistration[];
  /** Where handler bugs are logged (a pino logger fits); JSON on stderr by default. */
  log?: GrpcLogger;
  /** grpc-js server options, e.g. `grpc.max_receive_message_length`. */
  serverOptions?: ServerOptions;
}

export type HealthStatus = 'SERVING' | 'NOT_SERVING';

export interface GrpcServer {
  server: Server;
  /** Full names of the registered services, e.g. `shop.v1.Catalog`. */
  serviceNames: string[];
  /** Sets what grpc.health.v1 answers for `service` (`''`, the default, is the whole server). */
  setHealth(status: HealthStatus, service?: string): void;
  /** Binds `host:port` (port 0 picks a free one) and serves; resolves to the bound port. */
  listen(address: string): Promise<number>;
  /**
   * Reports NOT_SERVING, refuses new calls and lets in-flight ones finish; after `timeoutMs`
   * cancels what is left. Resolves to whether it had to.
   */
  shutdown(timeoutMs?: number): Promise<{ forced: boolean }>;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** A gRPC server whose handlers throw ServiceErrors, with the standard health service. */
export function createGrpcServer({
  services,
  log = consoleLogger,
  serverOptions,
}: GrpcServerOptions): GrpcServer {
  const server = new Server(serverOptions);
  const serviceNames = services.map(({ definition }) => serviceNameOf(definition));
  const health = new HealthImplementation(
    Object.fromEntries(['', ...serviceNames].map((name) => [name, 'SERVING'])),
  );
  for (const { definition, implementation } of services) {
    server.addService(definition, wrapService(definition, implementation, log));
  }
  health.addToServer(server);

  const setHealth = (status: HealthStatus, service = ''): void => {
    if (service !== '' && !serviceNames.includes(service)) {
      throw new Error(`${service} is not a service of this server`);
    }
    health.setStatus(service, status);
  };
  return {
    server,
    serviceNames,
    setHealth,
    listen: (address) => bind(server, address),
    shutdown: async (timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS) => {
      for (const name of ['', ...serviceNames]) setHealth('NOT_SERVING', name);
      return drain(server, timeoutMs);
    },
  };
}

// Method paths are `/<package>.<Service>/<Method>`; the health service is keyed by that name.
function serviceNameOf(definition: ServiceDefinition): string {
  const [first] = Object.values(definition);
  const name = first?.path.split('/')[1];
  if (name === undefined || name === '')
    throw new Error('a gRPC service needs at least one method');
  return name;
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) =>
      error === null ? resolve(port) : reject(error),
    );
  });
}

function drain(server: Server, timeoutMs: number): Promise<{ forced: boolean }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve({ forced: true });
    }, timeoutMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve({ forced: false });
    });
  });
}
