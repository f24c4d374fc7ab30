import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { dotted } from '../problem.ts';

export interface SchemaError {
  path: string;
  message: string;
}

export type SchemaValidator = (document: unknown) => SchemaError[];

/**
 * Compiles the compose-spec schema (JSON Schema 2020-12: `$defs`, `unevaluatedProperties`),
 * hence Ajv's 2020 class. Ajv's strict mode also lints schema style (union types, `properties`
 * without `type: object`), which this valid schema does not follow, so only those checks are
 * relaxed; unknown keywords still fail compilation.
 */
export function createSchemaValidator(schema: object): SchemaValidator {
  const ajv = new Ajv2020({
    allErrors: true,
    strictTypes: false,
    strictRequired: false,
    allowUnionTypes: true,
    // parentSchema on each error, to tell unknown keys from known keys that failed.
    verbose: true,
  });
  const validate = ajv.compile(schema);
  return (document) => {
    if (validate(document)) return [];
    return mostSpecific(validate.errors ?? [], schema).map((error) => ({
      path: dotted(errorPath(error)),
      message: describe(error),
    }));
  };
}

interface Located {
  error: ErrorObject;
  segments: string[];
}

// With allErrors, one mistake fans out: every oneOf branch reports, and a property that fails
// its own schema is also "unevaluated" to its parent. Like compose-go, report what is deepest.
function mostSpecific(errors: ErrorObject[], root: object): ErrorObject[] {
  const located: Located[] = errors.map((error) => ({ error, segments: errorPath(error) }));
  const kept = located.filter(({ error, segments }) => {
    // Ajv counts nothing as evaluated in an object that failed elsewhere, so known keys show
    // up as "unevaluated" too: only keys the schema does not declare are really unknown.
    if (isUnknownKey(error) && declares(error.parentSchema, segments.at(-1) ?? '', root))
      return false;
    // "matches no branch" and a losing branch's "must be a string" are noise when some
    // branch got further into the value; other keywords (required, enum) always stay.
    if (!isCombinator(error) && error.keyword !== 'type') return true;
    return !located.some(
      (other) => other.error !== error && isWithin(other.segments, segments, isCombinator(error)),
    );
  });
  const seen = new Set<string>();
  return kept
    .map((l) => l.error)
    .filter((error) => {
      const key = `${dotted(errorPath(error))}\u0000${describe(error)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** True when `inner` lies strictly below `outer` (or at it, when `orSame`). */
function isWithin(inner: string[], outer: string[], orSame: boolean): boolean {
  if (inner.length < outer.length || (!orSame && inner.length === outer.length)) return false;
  return outer.every((segment, i) => inner[i] === segment);
}

/**
 * Whether a schema object declares `key`: in its `properties` or `patternProperties`, or in
 * those of the schemas it combines (the service definition is an `allOf` of local `$ref`s).
 */
function declares(schema: unknown, key: string, root: object, depth = 0): boolean {
  if (typeof schema !== 'object' || schema === null || depth > 10) return false;
  const node = schema as Record<string, unknown>;
  if (isObject(node.properties) && key in node.properties) return true;
  if (isObject(node.patternProperties)) {
    const patterns = Object.keys(node.patternProperties);
    if (patterns.some((pattern) => new RegExp(pattern, 'u').test(key))) return true;
  }
  if (
    typeof node.$ref === 'string' &&
    declares(resolveRef(root, node.$ref), key, root, depth + 1)
  ) {
    return true;
  }
  return ['allOf', 'anyOf', 'oneOf'].some(
    (combinator) =>
      Array.isArray(node[combinator]) &&
      (node[combinator] as unknown[]).some((part) => declares(part, key, root, depth + 1)),
  );
}

/** Resolves a local JSON pointer (`#/$defs/service`) in the root schema. */
function resolveRef(root: object, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, segment) => (isObject(node) ? node[segment] : undefined), root);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCombinator(error: ErrorObject): boolean {
  return ['oneOf', 'anyOf', 'allOf', 'not', 'if'].includes(error.keyword);
}

function isUnknownKey(error: ErrorObject): boolean {
  return error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties';
}

function errorPath(error: ErrorObject): string[] {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
  const params = error.params as Record<string, unknown>;
  const key = params.additionalProperty ?? params.unevaluatedProperty;
  if (isUnknownKey(error) && typeof key === 'string') segments.push(key);
  return segments;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'unknown key (not in the compose specification)';
    case 'type': {
      const types = ([] as unknown[]).concat(params.type).map(String);
      return `must be a ${types.join(' or ')}`;
    }
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    default:
      return error.message ?? `fails the schema's ${error.keyword} rule`;
  }
}
