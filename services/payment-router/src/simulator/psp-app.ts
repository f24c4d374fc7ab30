import { setTimeout as sleep } from 'node:timers/promises';
import { createService, Type } from '@scale-models/service-kit';
import type { LoggerOptions, RoutePlugin, ServiceApp } from '@scale-models/service-kit';
import type { FastifyReply } from 'fastify';
import { brandOf } from '../domain/card.ts';
import type { PspProfile } from '../domain/routing/choose-route.ts';
import type { Random } from '@scale-models/seeded-random';
import { writeSettlementFile } from '../settlement-file.ts';
import type { PspBehaviour, PspMode } from './behaviour.ts';
import { MODES } from './behaviour.ts';
import { ChargeBook, PspRequestError } from './charge-book.ts';
import { decideCharge } from './decide-charge.ts';

export interface PspAppOptions {
  contract: PspProfile;
  behaviour: PspBehaviour;
  random: Random;
  latencyScale: number;
  /** How long an answer is held back in a timeout. */
  lateAnswerMs: number;
  logger?: LoggerOptions;
}

const ChargeBody = Type.Object({
  reference: Type.String({ minLength: 1, maxLength: 100 }),
  amount: Type.Integer({ minimum: 1 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  country: Type.String({ pattern: '^[A-Z]{2}$' }),
  capture: Type.Boolean({ default: false }),
  card: Type.Object({
    number: Type.String({ pattern: '^[0-9]{12,19}$' }),
    expMonth: Type.Integer(),
    expYear: Type.Integer(),
  }),
});
const OperationBody = Type.Object({
  reference: Type.String({ minLength: 1, maxLength: 100 }),
  amount: Type.Optional(Type.Integer({ minimum: 1 })),
});
const IdempotencyHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });
const ChargeParams = Type.Object({ id: Type.String() });

/**
 * A simulated acquirer's HTTP API: authorizations (optionally captured at once), captures,
 * refunds, voids, status inquiry by our reference, the daily settlement file, and a control
 * endpoint switching failure modes at runtime.
 */
export function buildPspApp(options: PspAppOptions): ServiceApp {
  const book = new ChargeBook(options.contract);
  let mode: PspMode = 'healthy';
  const refuseInOutage = (reply: FastifyReply): boolean => {
    if (mode !== 'outage') return false;
    void reply.code(503).send({ error: { code: 'service_unavailable', message: 'outage' } });
    return true;
  };
  // In timeout mode an operation is done, but its answer comes too late.
  const answerLateInTimeoutMode = async () => {
    if (mode === 'timeout') await sleep(options.lateAnswerMs);
  };

  const routes: RoutePlugin = (app) => {
    app.setErrorHandler((error, _request, reply) => {
      if (error instanceof PspRequestError) {
        return reply
          .code(error.status)
          .send({ error: { code: error.code, message: error.message } });
      }
      throw error;
    });

    app.post(
      '/v1/charges',
      { schema: { body: ChargeBody, headers: IdempotencyHeader } },
      async (request, reply) => {
        if (refuseInOutage(reply)) return reply;
        const { body } = request;
        const decision = decideCharge(
          options.behaviour,
          mode,
          {
            cardNumber: body.card.number,
            brand: brandOf(body.card.number) ?? 'unknown',
            country: body.country,
          },
          options.random,
          options.latencyScale,
        );
        await sleep(decision.latencyMs);
        const charge = book.once(request.headers['idempotency-key'], () =>
          book.charge({
            reference: body.reference,
            amount: body.amount,
            currency: body.currency,
            approved: options.contract.currencies.includes(body.currency) && decision.approved,
            ...(decision.declineCode === undefined ? {} : { declineCode: decision.declineCode }),
            capture: body.capture,
            at: new Date(),
          }),
        );
        if (decision.answerLate) await sleep(options.lateAnswerMs);
        return charge;
      },
    );

    app.get(
      '/v1/charges',
      { schema: { querystring: Type.Object({ reference: Type.String() }) } },
      (request, reply) => {
        if (refuseInOutage(reply)) return reply;
        return { charges: book.byMerchantReference(request.query.reference) };
      },
    );

    app.post(
      '/v1/charges/:id/captures',
      { schema: { params: ChargeParams, body: OperationBody, headers: IdempotencyHeader } },
      async (request, reply) => {
        if (refuseInOutage(reply)) return reply;
        await sleep(options.behaviour.latencyMedianMs * options.latencyScale);
        const { id } = request.params;
        const captured = book.once(request.headers['idempotency-key'], () =>
          book.capture(
            id,
            request.body.amount ?? book.find(id).amount,
            request.body.reference,
            new Date(),
          ),
        );
        await answerLateInTimeoutMode();
        return captured;
      },
    );

    app.post(
      '/v1/charges/:id/refunds',
      { schema: { params: ChargeParams, body: OperationBody, headers: IdempotencyHeader } },
      async (request, reply) => {
        if (refuseInOutage(reply)) return reply;
        await sleep(options.behaviour.latencyMedianMs * options.latencyScale);
        const { id } = request.params;
        const amount = request.body.amount ?? book.find(id).capturedAmount;
        const refunded = book.once(request.headers['idempotency-key'], () =>
          book.refund(id, amount, request.body.reference, new Date()),
        );
        await answerLateInTimeoutMode();
        return refunded;
      },
    );

    app.post(
      '/v1/charges/:id/voids',
      { schema: { params: ChargeParams, body: OperationBody, headers: IdempotencyHeader } },
      async (request, reply) => {
        if (refuseInOutage(reply)) return reply;
        await sleep(options.behaviour.latencyMedianMs * options.latencyScale);
        const voided = book.once(request.headers['idempotency-key'], () =>
          book.void(request.params.id, request.body.reference),
        );
        await answerLateInTimeoutMode();
        return voided;
      },
    );

    app.get(
      '/v1/operations/:reference',
      { schema: { params: Type.Object({ reference: Type.String() }) } },
      (request, reply) => {
        if (refuseInOutage(reply)) return reply;
        return book.operation(request.params.reference);
      },
    );

    app.get(
      '/v1/settlements/:day',
      {
        schema: {
          params: Type.Object({ day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }),
        },
      },
      async (request, reply) =>
        reply.type('text/csv').send(writeSettlementFile(book.settlementLines(request.params.day))),
    );

    app.get('/_control/mode', () => ({ mode }));
    app.put(
      '/_control/mode',
      {
        schema: {
          body: Type.Object({ mode: Type.Union(MODES.map((name) => Type.Literal(name))) }),
        },
      },
      (request) => {
        mode = request.body.mode;
        return { mode };
      },
    );
    app.get(
      '/_control/charges',
      { schema: { querystring: Type.Object({ reference: Type.String() }) } },
      (request) => ({ count: book.chargeCount(request.query.reference) }),
    );
  };

  return createService({
    name: `psp-${options.contract.name}`,
    routes: [routes],
    logger: options.logger,
  });
}
