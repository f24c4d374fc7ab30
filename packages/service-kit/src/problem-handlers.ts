import { NotFoundError } from '@scale-models/errors';
import type { ServiceApp } from './service-app.ts';
import { problemOf } from './problem-of.ts';
import { sendProblem } from './send-problem.ts';

/** Every error and every unknown route leaves as problem+json; the process carries on. */
export function addProblemHandlers(app: ServiceApp): void {
  app.setErrorHandler((error, request, reply) => {
    const fields = problemOf(error);
    if (fields.internal) {
      request.log.error({ err: error }, 'unhandled error');
    } else if (fields.status >= 500) {
      // e.g. UnavailableError: expected, but an operator wants its cause.
      request.log.warn({ err: error, code: fields.code }, 'request failed');
    } else {
      request.log.info({ code: fields.code, status: fields.status }, 'request rejected');
    }
    return sendProblem(request, reply, fields);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new NotFoundError(
      'route.not_found',
      `No route ${request.method} ${pathOf(request.url)}.`,
    );
    return sendProblem(request, reply, problemOf(error));
  });
}

function pathOf(url: string): string {
  return url.split('?')[0] ?? url;
}
