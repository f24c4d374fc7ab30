import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';

/** Set by the run's global setup (forget-test-topics.ts): the file the names go to. */
export const NAMES_FILE_VARIABLE = 'SCALE_MODELS_TEST_NAMES_FILE';

/**
 * A name no other test run uses: `base` plus a random suffix, limited to characters that
 * databases, Kafka topics and Redis keys all accept. Within a vitest run it is also written
 * down, so that the run's teardown can delete the Kafka topics named after it.
 */
export function uniqueName(base: string): string {
  const safeBase = base.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const name = `${safeBase}_${randomBytes(5).toString('hex')}`;
  const namesFile = process.env[NAMES_FILE_VARIABLE];
  if (namesFile !== undefined) appendFileSync(namesFile, `${name}\n`);
  return name;
}
