import type { Static, TObject } from 'typebox';
import { Value } from 'typebox/value';
import { ConfigError } from './config-error.ts';
import type { ConfigProblem } from './config-error.ts';

/**
 * Reads the variables named by `schema` from `env`, coerces numbers and booleans, applies
 * defaults, and returns the typed config. Throws a ConfigError listing every missing or invalid
 * variable at once, so a misconfigured deployment is fixed in one round trip.
 * An empty variable counts as unset (`FOO=` in a .env file usually means "no value").
 */
export function loadConfig<Schema extends TObject>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): Static<Schema> {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(schema.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const config = Value.Default(schema, Value.Convert(schema, raw));
  const problems = problemsOf(schema, config);
  if (problems.length > 0) throw new ConfigError(problems);
  return inSchemaOrder(schema, config as Record<string, unknown>) as Static<Schema>;
}

// Defaults are appended by TypeBox; schema order reads better when a service logs its config.
function inSchemaOrder(schema: TObject, config: Record<string, unknown>): Record<string, unknown> {
  const names = Object.keys(schema.properties).filter((name) => name in config);
  return Object.fromEntries(names.map((name) => [name, config[name]]));
}

// TypeBox reports one error per failed keyword (a union reports each branch); the operator
// needs one reason per variable, in schema order.
function problemsOf(schema: TObject, config: unknown): ConfigProblem[] {
  const reasons = new Map<string, string[]>();
  const add = (variable: string, reason: string) => {
    const list = reasons.get(variable) ?? [];
    if (!list.includes(reason)) list.push(reason);
    reasons.set(variable, list);
  };
  for (const error of Value.Errors(schema, config)) {
    if (error.keyword === 'required') {
      for (const variable of error.params.requiredProperties) add(variable, 'is required');
    } else {
      add(variableOf(error.instancePath), reasonOf(error, schema));
    }
  }
  return Object.keys(schema.properties)
    .filter((variable) => reasons.has(variable))
    .map((variable) => ({ variable, reason: summarize(reasons.get(variable) ?? []) }));
}

function variableOf(instancePath: string): string {
  return instancePath.split('/')[1] ?? instancePath;
}

function reasonOf(error: ReturnType<typeof Value.Errors>[number], schema: TObject): string {
  if (error.keyword === 'anyOf' || error.keyword === 'const') {
    const allowed = allowedValues(schema.properties[variableOf(error.instancePath)]);
    if (allowed !== undefined) return `must be one of ${allowed.join(', ')}`;
  }
  return error.message;
}

// A union of literals (the usual way to write an enum) reads best as its list of values.
function allowedValues(property: unknown): string[] | undefined {
  const anyOf = (property as { anyOf?: unknown[] } | undefined)?.anyOf;
  if (!Array.isArray(anyOf)) return undefined;
  const values = anyOf.map((branch) => (branch as { const?: unknown }).const);
  if (values.some((value) => value === undefined)) return undefined;
  return values.map(String);
}

function summarize(reasons: string[]): string {
  const specific = reasons.filter((reason) => reason !== 'must match a schema in anyOf');
  return (specific.length > 0 ? specific : reasons).join(', ');
}
