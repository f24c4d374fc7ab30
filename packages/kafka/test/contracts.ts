// The contracts of the tests, kept in one module as a miniature keeps its own.
import { defineEventContract } from '../src/index.ts';

export interface OrderPlaced {
  orderId: string;
  customerEmail: string;
  totalMinor: number;
  currency: string;
  placedAt: string;
}

export function orderPlacedContract(topic: string) {
  return defineEventContract<OrderPlaced>({
    topic,
    type: 'scale-models.test.order.placed.v1',
    schema: {
      type: 'object',
      required: ['orderId', 'customerEmail', 'totalMinor', 'currency', 'placedAt'],
      additionalProperties: false,
      properties: {
        orderId: { type: 'string', format: 'uuid' },
        customerEmail: { type: 'string', format: 'email' },
        totalMinor: { type: 'integer', minimum: 1 },
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        placedAt: { type: 'string', format: 'date-time' },
      },
    },
  });
}

export const validOrder: OrderPlaced = {
  orderId: '0193b5c2-7d1e-7a3b-9c4d-5e6f7a8b9c0d',
  customerEmail: 'ada@example.com',
  totalMinor: 1250,
  currency: 'EUR',
  placedAt: '2026-01-02T03:04:05Z',
};
