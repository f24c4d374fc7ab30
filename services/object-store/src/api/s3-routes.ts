import type { RoutePlugin } from '@scale-models/service-kit';
import { authenticate } from './authenticate.ts';
import type { GatewayDeps } from './gateway-deps.ts';
import { handlerFor } from './operations.ts';
import { replyWithS3Error } from './s3-errors.ts';
import { parseS3Path, parseS3Query } from './s3-path.ts';

/**
 * The S3 REST API, path-style: one catch-all route that authenticates the request and picks
 * the operation from method, bucket, key and query (`?uploads`, `?versioning`, …). Bodies are
 * left unread for the handlers, which stream them; errors answer in S3 XML.
 */
export function s3Routes(deps: GatewayDeps): RoutePlugin {
  return (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));
    app.setErrorHandler<Error>((error, request, reply) => replyWithS3Error(error, request, reply));
    app.route({
      // PATCH and OPTIONS are no S3 operations; routed here they are refused in S3's XML
      // (405 MethodNotAllowed) rather than by the service kit's problem+json 404.
      method: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'],
      url: '/*',
      exposeHeadRoute: false,
      handler: async (request, reply) => {
        // First: S3 names the request id on every answer, refusals of a bad signature included.
        reply.header('x-amz-request-id', request.id);
        const path = parseS3Path(request.raw.url ?? '/');
        const query = parseS3Query(path.rawQuery);
        const auth = authenticate(request, path, deps);
        const handler = handlerFor(request.method, path.bucket, path.key, query, request.headers);
        await handler({
          request,
          reply,
          deps,
          auth,
          bucket: path.bucket,
          key: path.key,
          query,
          headers: request.headers,
        });
        return reply;
      },
    });
  };
}
