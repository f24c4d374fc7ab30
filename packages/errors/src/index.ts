export {
  ServiceError,
  InputError,
  UnauthenticatedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  TooLargeError,
  UnavailableError,
} from './service-errors.ts';
export type { ErrorKind, ErrorOptions } from './service-errors.ts';
export { statusOf } from './status-of.ts';
export type { TransportStatus } from './status-of.ts';
