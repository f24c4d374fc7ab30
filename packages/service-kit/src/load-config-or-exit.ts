import type { Static, TObject } from 'typebox';
import { ConfigError } from './config-error.ts';
import { loadConfig } from './load-config.ts';

/**
 * For entrypoints: loadConfig, or print one line per bad variable (its name and why, never its
 * value, which may be a secret) to stderr and exit with status 78 (EX_CONFIG).
 */
export function loadConfigOrExit<Schema extends TObject>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): Static<Schema> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const lines = error.problems.map((p) => `config: ${p.variable} ${p.reason}\n`);
    process.stderr.write(lines.join(''));
    process.exit(EX_CONFIG);
  }
}

const EX_CONFIG = 78;
