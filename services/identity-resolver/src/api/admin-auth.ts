import { timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '@scale-models/errors';
import type { ServiceApp } from '@scale-models/service-kit';

/** Bearer-token check for the operator APIs (profiles hold personal data). */
export function requireAdminToken(app: ServiceApp, token: string): void {
  const expected = Buffer.from(`Bearer ${token}`);
  app.addHook('onRequest', (request, _reply, done) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      done(
        new UnauthenticatedError(
          'auth.invalid_token',
          'Send the admin token as `Authorization: Bearer <token>`.',
        ),
      );
      return;
    }
    done();
  });
}
