import { InputError, NotFoundError } from '@scale-models/errors';
import type { RoutePlugin } from '@scale-models/service-kit';
import type { CardInput } from '../domain/card.ts';
import { checkCard } from '../domain/card.ts';
import { parseMoney } from '../domain/money.ts';
import type { CreatePayment } from '../payments/authorize.ts';
import { authorize, screen } from '../payments/authorize.ts';
import type { PaymentDeps } from '../payments/payment-deps.ts';
import { operationIdOf } from '../payments/operation-id.ts';
import type { Operation } from '../payments/payment-operations.ts';
import { operate } from '../payments/payment-operations.ts';
import type { PaymentRow } from '../payments/payment-view.ts';
import { createStatusOf, viewOf } from '../payments/payment-view.ts';
import { resolvePayment } from '../payments/recovery.ts';
import { storedCard } from '../payments/stored-card.ts';
import type { MerchantKeys } from './authenticate.ts';
import type { Outcome } from './idempotent.ts';
import { idempotencyKeyOf, runIdempotent } from './idempotent.ts';
import {
  AmountBody,
  CreatePaymentBody,
  EmptyBody,
  IdempotencyHeaders,
  ListQuery,
  PaymentParams,
} from './schemas.ts';

export function paymentRoutes(deps: PaymentDeps, merchants: MerchantKeys): RoutePlugin {
  return (app) => {
    app.post(
      '/v1/payments',
      { schema: { body: CreatePaymentBody, headers: IdempotencyHeaders } },
      async (request, reply) => {
        const merchantId = merchants.merchantOf(request);
        const { body } = request;
        // Checked before the key is claimed: a malformed request executes nothing.
        const money = parseMoney(body.amount, body.currency, body.currencyExponent);
        const { token } = body.card;
        const card = checkCard(
          token !== undefined ? await storedCard(deps, merchantId, token) : enteredCard(body.card),
          new Date(),
        );
        const sealed = deps.vault.seal(card);
        // What makes a retry "the same request", without the PAN in the clear or the CVC.
        const fingerprintBody =
          token !== undefined
            ? body
            : {
                ...body,
                card: {
                  expMonth: card.expMonth,
                  expYear: card.expYear,
                  pan: sealed.fingerprint.toString('hex'),
                },
              };
        const binding = { merchantId, key: idempotencyKeyOf(request) };
        const input: CreatePayment = {
          money,
          card,
          sealed,
          captureMethod: body.captureMethod,
          customer: body.customer,
          ...(body.description === undefined ? {} : { description: body.description }),
        };
        // Redis is asked while the key is claimed. A request the claim answers (a replay, a
        // 409, a 422) never awaits the screening, so its failure must not go unhandled.
        const screening = screen(deps, binding, input);
        screening.catch(() => undefined);
        return runIdempotent(
          deps.idempotency,
          request,
          reply,
          merchantId,
          fingerprintBody,
          async ({ paymentId }) => {
            const { view, answerStored } =
              paymentId === null
                ? await authorize(deps, binding, input, await screening)
                : { view: await resume(deps, paymentId), answerStored: false };
            return view.status === 'processing'
              ? { status: 202, body: view, final: false }
              : { status: createStatusOf(view), body: view, final: true, stored: answerStored };
          },
        );
      },
    );

    app.get('/v1/payments/:id', { schema: { params: PaymentParams } }, async (request) => {
      return viewOf(await findPayment(deps, merchants.merchantOf(request), request.params.id));
    });

    app.get('/v1/payments/:id/events', { schema: { params: PaymentParams } }, async (request) => {
      const payment = await findPayment(deps, merchants.merchantOf(request), request.params.id);
      const { rows } = await deps.pool.query<{
        from_status: string | null;
        to_status: string;
        captured_amount: string;
        refunded_amount: string;
        at: Date;
      }>(
        'SELECT from_status, to_status, captured_amount, refunded_amount, at FROM payment_events WHERE payment_id = $1 ORDER BY id',
        [payment.id],
      );
      return {
        events: rows.map((row) => ({
          from: row.from_status,
          to: row.to_status,
          capturedAmount: Number(row.captured_amount),
          refundedAmount: Number(row.refunded_amount),
          at: row.at.toISOString(),
        })),
      };
    });

    app.get('/v1/payments', { schema: { querystring: ListQuery } }, async (request) => {
      const merchantId = merchants.merchantOf(request);
      const { limit, startingAfter } = request.query;
      const { rows } = await deps.pool.query<PaymentRow>(
        `SELECT * FROM payments WHERE merchant_id = $1 AND ($2::uuid IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3`,
        [merchantId, startingAfter ?? null, limit + 1],
      );
      return { data: rows.slice(0, limit).map(viewOf), hasMore: rows.length > limit };
    });

    const operation = (
      path: string,
      body: typeof AmountBody | typeof EmptyBody,
      of: (body: { amount?: number } | null) => Operation,
    ) =>
      app.post(
        path,
        { schema: { params: PaymentParams, body, headers: IdempotencyHeaders } },
        async (request, reply) => {
          const merchantId = merchants.merchantOf(request);
          const requested = of(request.body);
          return runIdempotent(
            deps.idempotency,
            request,
            reply,
            merchantId,
            request.body,
            async ({ key }): Promise<Outcome> => {
              const view = await operate(
                deps,
                merchantId,
                request.params.id,
                operationIdOf(merchantId, key),
                requested,
              );
              return { status: 200, body: view, final: true };
            },
          );
        },
      );
    operation('/v1/payments/:id/capture', AmountBody, (body) => ({
      kind: 'capture',
      ...(body?.amount === undefined ? {} : { amount: body.amount }),
    }));
    operation('/v1/payments/:id/void', EmptyBody, () => ({ kind: 'void' }));
    operation('/v1/payments/:id/refunds', AmountBody, (body) => ({
      kind: 'refund',
      ...(body?.amount === undefined ? {} : { amount: body.amount }),
    }));
  };
}

/** A card as entered needs its number and expiry; a token needs nothing else. */
function enteredCard(card: { number?: string; expMonth?: number; expYear?: number }): CardInput {
  const { number, expMonth, expYear } = card;
  if (number === undefined || expMonth === undefined || expYear === undefined) {
    throw new InputError(
      'card.incomplete',
      'A card needs number, expMonth and expYear, or the token of a stored card.',
    );
  }
  return { number, expMonth, expYear };
}

async function findPayment(deps: PaymentDeps, merchantId: string, id: string): Promise<PaymentRow> {
  const { rows } = await deps.pool.query<PaymentRow>(
    'SELECT * FROM payments WHERE id = $1 AND merchant_id = $2',
    [id, merchantId],
  );
  if (rows[0] === undefined) throw new NotFoundError('payment.not_found', 'No such payment.');
  return rows[0];
}

/** A retry of a create whose first execution died after creating the payment. */
async function resume(deps: PaymentDeps, paymentId: string) {
  const { rows } = await deps.pool.query<PaymentRow>('SELECT * FROM payments WHERE id = $1', [
    paymentId,
  ]);
  const row = rows[0]!;
  return row.status === 'processing' ? resolvePayment(deps, row) : viewOf(row);
}
