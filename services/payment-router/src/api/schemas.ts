import { Type } from '@scale-models/service-kit';

// Amounts are plain numbers here so the domain can answer fractional or negative ones with
// its own stable codes (amount.not_integer, amount.not_positive) rather than a schema error.
export const CreatePaymentBody = Type.Object(
  {
    amount: Type.Number({ description: 'integer minor units of `currency`' }),
    currency: Type.String({ maxLength: 3, description: 'ISO 4217, e.g. EUR' }),
    currencyExponent: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 4,
        description: 'optional check: the exponent the client assumes',
      }),
    ),
    captureMethod: Type.Union([Type.Literal('automatic'), Type.Literal('manual')], {
      default: 'automatic',
    }),
    // Either a card as entered, or the token of a stored card (one schema, not a union: the
    // validator would strip `token` while trying the first branch of a union).
    card: Type.Object(
      {
        number: Type.Optional(Type.String({ minLength: 1, maxLength: 23 })),
        expMonth: Type.Optional(Type.Integer()),
        expYear: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
        cvc: Type.Optional(Type.String({ pattern: '^[0-9]{3,4}$' })),
        token: Type.Optional(
          Type.String({
            pattern: '^tok_[0-9a-f]{32}$',
            description: 'a card stored by an earlier payment of the same merchant',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    customer: Type.Object(
      {
        country: Type.String({ pattern: '^[A-Z]{2}$', description: 'issuing country of the card' }),
        email: Type.Optional(Type.String({ maxLength: 254 })),
        ip: Type.Optional(Type.String({ maxLength: 45 })),
        deviceId: Type.Optional(Type.String({ maxLength: 128 })),
      },
      { additionalProperties: false },
    ),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const AmountBody = Type.Object(
  {
    amount: Type.Optional(
      Type.Number({ description: 'minor units; the whole remaining amount when absent' }),
    ),
  },
  { additionalProperties: false },
);

export const EmptyBody = Type.Union([
  Type.Object({}, { additionalProperties: false }),
  Type.Null(),
]);

export const PaymentParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  startingAfter: Type.Optional(Type.String({ format: 'uuid' })),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

export const ReconcileBody = Type.Object(
  {
    psp: Type.String({ minLength: 1 }),
    day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'UTC day, YYYY-MM-DD' }),
  },
  { additionalProperties: false },
);
