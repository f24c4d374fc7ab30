import type { FastifyInstance } from 'fastify';

// Kept beside the app rather than decorated onto it, so no type augmentation of fastify leaks.
const draining = new WeakSet<FastifyInstance>();

/** Marks the app as shutting down: /readyz answers 503 from now on. */
export function markDraining(app: FastifyInstance): void {
  draining.add(app);
}

export function isDraining(app: FastifyInstance): boolean {
  return draining.has(app);
}
