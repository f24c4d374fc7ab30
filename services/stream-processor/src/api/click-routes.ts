import type { Authenticate } from './authenticate.ts';
import type { EventProducer } from '@scale-models/kafka';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import type { clickRecorded } from '../contracts.ts';

/** Sends clicks into the click stream (the demo's and the dashboard test's input). */
export function clickRoutes(
  producer: EventProducer,
  contract: ReturnType<typeof clickRecorded>,
  authenticate: Authenticate,
): RoutePlugin {
  return (app) => {
    app.post(
      '/streams/clicks/events',
      {
        preHandler: authenticate,
        schema: {
          summary: 'Append clicks to the click stream (keyed by user)',
          body: Type.Array(
            Type.Object(
              {
                user: Type.String({ minLength: 1, maxLength: 64 }),
                page: Type.String({ minLength: 1, maxLength: 256 }),
                country: Type.String({ pattern: '^[A-Z]{2}$' }),
                amount: Type.Number(),
                ts: Type.Integer({ minimum: 0 }),
              },
              { additionalProperties: false },
            ),
            { minItems: 1, maxItems: 1_000 },
          ),
          response: { 202: Type.Object({ accepted: Type.Integer() }) },
        },
      },
      async (request, reply) => {
        for (const click of request.body)
          await producer.publish(contract, { key: click.user, event: click });
        return reply.code(202).send({ accepted: request.body.length });
      },
    );
  };
}
