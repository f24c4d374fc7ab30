import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { InputError } from '@scale-models/errors';
import { parseCloudEvent } from './cloud-event.ts';
import type { CloudEvent } from './cloud-event.ts';

export interface EventContractDefinition {
  /** Topic the event travels on, e.g. `commerce.order.created.v1`. */
  topic: string;
  /** CloudEvents `type`, e.g. `scale-models.commerce.order.created.v1`. */
  type: string;
  /** JSON Schema (draft-07 / 2019-09 subset Ajv accepts) of the event's `data`. */
  schema: Record<string, unknown>;
}

/**
 * The one definition both sides of a topic share: producers validate before sending,
 * consumers decode and validate on receipt. A miniature keeps all its contracts in one module
 * and tests both sides against the same objects.
 */
export interface EventContract<T> extends Readonly<EventContractDefinition> {
  /** Returns `data` typed as T, or throws InputError `event.schema_violation`. */
  validate(data: unknown): T;
  /**
   * Parses a Kafka message value into the envelope and validates it: InputError
   * `event.*` for a broken envelope, `event.type_mismatch`, or `event.schema_violation`.
   */
  decode(value: Buffer | string | null): CloudEvent<T>;
}

export interface SchemaProblem {
  /** JSON Pointer into `data`, '' for the root. */
  path: string;
  message: string;
}

export function defineEventContract<T>(definition: EventContractDefinition): EventContract<T> {
  const check = compile<T>(definition.schema);
  const validate = (data: unknown): T => {
    if (check(data)) return data;
    throw new InputError(
      'event.schema_violation',
      `${definition.type} data violates its schema: ${describe(check.errors)}`,
      { details: { type: definition.type, problems: problemsOf(check.errors) } },
    );
  };
  return {
    ...definition,
    validate,
    decode(value) {
      const envelope = parseCloudEvent(value);
      if (envelope.type !== definition.type) {
        throw new InputError(
          'event.type_mismatch',
          `expected event type ${definition.type}, got ${envelope.type}`,
          { details: { expected: definition.type, actual: envelope.type } },
        );
      }
      return { ...envelope, data: validate(envelope.data) };
    },
  };
}

// One Ajv per contract: schemas with the same $id (a contract module imported twice) never clash.
function compile<T>(schema: Record<string, unknown>): ValidateFunction<T> {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile<T>(schema);
}

function problemsOf(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  return (errors ?? []).map((error) => ({
    path: error.instancePath,
    message: error.message ?? error.keyword,
  }));
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return problemsOf(errors)
    .map(({ path, message }) => `${path === '' ? '(root)' : path} ${message}`)
    .join('; ');
}
