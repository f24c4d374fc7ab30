import type { FastifyInstance } from 'fastify';
import { markDraining } from './draining.ts';
import { withTimeout } from './with-timeout.ts';

/** Releases one resource at shutdown (stop a consumer, end a pool). */
export interface Closer {
  name: string;
  close: () => Promise<void>;
}

export interface RunOptions {
  port: number;
  host?: string;
  /** Bound on the whole shutdown: draining requests plus closers. Default 10 s. */
  shutdownTimeoutMs?: number;
  /** Run in order once no request is in flight: consumers first, then pools. */
  onShutdown?: Closer[];
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * For entrypoints: listens, and on SIGTERM or SIGINT shuts down gracefully: /readyz turns
 * 503, the listener stops accepting, in-flight requests finish, the app's onClose hooks run,
 * then `onShutdown` closers in order; exit 0. Exit 1 if that outlives `shutdownTimeoutMs`,
 * if a closer fails, or on a second signal.
 */
export async function runService(app: FastifyInstance, options: RunOptions): Promise<void> {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal during shutdown, exiting at once');
      process.exit(1);
    }
    stopping = true;
    void shutdown(app, signal, options).then((code) => process.exit(code));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
}

async function shutdown(
  app: FastifyInstance,
  signal: string,
  options: RunOptions,
): Promise<number> {
  const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
  app.log.info({ signal, timeoutMs }, 'shutting down');
  markDraining(app);
  try {
    await withTimeout(closeAll(app, options.onShutdown ?? []), timeoutMs);
    app.log.info('shutdown complete');
    return 0;
  } catch (err) {
    app.log.error({ err }, 'shutdown failed');
    return 1;
  }
}

// app.close() stops the listener and waits for in-flight requests before its onClose hooks.
async function closeAll(app: FastifyInstance, closers: Closer[]): Promise<void> {
  await app.close();
  for (const closer of closers) {
    app.log.info({ closer: closer.name }, 'closing');
    await closer.close();
  }
}
