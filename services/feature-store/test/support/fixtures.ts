import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { RegistrySpecSchema } from '../../src/domain/registry-spec.ts';
import type { RegistrySpec } from '../../src/domain/registry-spec.ts';

/** The registry most tests use: drivers (int64 keys) with two views and a feature service. */
export const DRIVERS: RegistrySpec = {
  entities: [
    { name: 'driver', join_key: 'driver_id', value_type: 'int64', description: 'a driver' },
  ],
  feature_views: [
    {
      name: 'driver_stats',
      entities: ['driver'],
      ttl_seconds: 3600,
      source: 'batch',
      owner: 'ml@example.com',
      tags: { team: 'rides' },
      features: [
        { name: 'conv_rate', dtype: 'float64' },
        { name: 'acc_rate', dtype: 'float64' },
        { name: 'trips', dtype: 'int64' },
      ],
    },
    {
      name: 'driver_profile',
      entities: ['driver'],
      ttl_seconds: 0,
      source: 'push',
      features: [
        { name: 'rating', dtype: 'float64' },
        { name: 'city', dtype: 'string' },
      ],
    },
  ],
  feature_services: [
    {
      name: 'driver_activity',
      features: ['driver_stats:conv_rate', 'driver_stats:acc_rate', 'driver_profile:rating'],
    },
  ],
};

/** The example registry file: a fraud model's views, one keyed by (user_id, merchant_id). */
export const EXAMPLE_REGISTRY = fileURLToPath(
  new URL('../../examples/registry.yaml', import.meta.url),
);

/** The example registry as `apply` reads it (defaults filled in). */
export const FRAUD = Value.Default(
  RegistrySpecSchema,
  parseYaml(readFileSync(EXAMPLE_REGISTRY, 'utf8')),
) as RegistrySpec;

export const HOUR = 3_600_000;

/** An ISO timestamp `hoursAgo` before now. */
export function hoursAgo(hours: number, now = Date.now()): string {
  return new Date(now - hours * HOUR).toISOString();
}
