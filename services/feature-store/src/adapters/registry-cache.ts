import type pg from 'pg';
import type { Registry } from '../domain/registry-spec.ts';
import { loadRegistry } from './registry-store.ts';

export interface RegistryCache {
  current(): Registry;
  /** Reloads now (after an apply here; other replicas pick it up on their next poll). */
  refresh(): Promise<Registry>;
  stop(): void;
}

/**
 * The registry held in memory, as Feast's servers do, so serving costs no registry query;
 * reloaded every `refreshMs` so an apply on another replica arrives within that bound.
 */
export async function createRegistryCache(
  pool: pg.Pool,
  refreshMs: number,
): Promise<RegistryCache> {
  let registry = await loadRegistry(pool);
  const refresh = async (): Promise<Registry> => {
    registry = await loadRegistry(pool);
    return registry;
  };
  const timer = setInterval(() => {
    refresh().catch(() => undefined); // a failed poll keeps the last good registry; the next one retries
  }, refreshMs);
  timer.unref();
  return { current: () => registry, refresh, stop: () => clearInterval(timer) };
}
