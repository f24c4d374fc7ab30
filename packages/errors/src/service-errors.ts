/** What went wrong, in the few words every transport understands. */
export type ErrorKind =
  | 'input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unavailable';

export interface ErrorOptions {
  /** Facts a client may act on (the field that failed, the current version). Never secrets. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * An error a service means to show its client. `code` is stable and machine-readable
 * (e.g. `payment.amount_not_positive`); the message is for people. Any other thrown error
 * is a bug and reaches clients only as a generic internal error.
 */
export abstract class ServiceError extends Error {
  abstract readonly kind: ErrorKind;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

export class InputError extends ServiceError {
  readonly kind = 'input';
}
export class UnauthenticatedError extends ServiceError {
  readonly kind = 'unauthenticated';
}
export class ForbiddenError extends ServiceError {
  readonly kind = 'forbidden';
}
export class NotFoundError extends ServiceError {
  readonly kind = 'not-found';
}
export class ConflictError extends ServiceError {
  readonly kind = 'conflict';
}
export class TooLargeError extends ServiceError {
  readonly kind = 'too-large';
}
export class UnavailableError extends ServiceError {
  readonly kind = 'unavailable';
}
