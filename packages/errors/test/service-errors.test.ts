import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  InputError,
  NotFoundError,
  ServiceError,
  statusOf,
  TooLargeError,
  UnauthenticatedError,
  UnavailableError,
} from '../src/index.ts';

describe('service errors', () => {
  it('carry a stable code, details and cause, and name their class', () => {
    const cause = new Error('duplicate key');
    const error = new ConflictError('order.already_paid', 'Order 42 is already paid', {
      details: { orderId: '42' },
      cause,
    });
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      name: 'ConflictError',
      kind: 'conflict',
      code: 'order.already_paid',
      message: 'Order 42 is already paid',
      details: { orderId: '42' },
      cause,
    });
  });

  it.each([
    [InputError, 400, 3],
    [UnauthenticatedError, 401, 16],
    [ForbiddenError, 403, 7],
    [NotFoundError, 404, 5],
    [ConflictError, 409, 9],
    [TooLargeError, 413, 8],
    [UnavailableError, 503, 14],
  ])('%o maps to HTTP %i and gRPC %i', (ErrorClass, http, grpc) => {
    expect(statusOf(new ErrorClass('x.y', 'z').kind)).toEqual({ http, grpc });
  });
});
