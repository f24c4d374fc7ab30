import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses: `base` plus a random suffix, limited to characters that
 * databases, Kafka topics and Redis keys all accept.
 */
export function uniqueName(base: string): string {
  const safeBase = base.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${safeBase}_${randomBytes(5).toString('hex')}`;
}
