import { randomUUID } from 'node:crypto';
import { passesLuhn } from '../../src/domain/card.ts';

// Sample traffic for tests, benchmarks and the tour: every card, email, IP and device is new,
// so the fraud velocity windows never link unrelated payments.

let counter = 0;

/** A fresh, Luhn-valid Visa number. */
export function freshCard(): string {
  const body = `4${String(Date.now() % 1e9).padStart(9, '0')}${String(counter++ % 100000).padStart(5, '0')}`;
  for (let digit = 0; ; digit++) if (passesLuhn(`${body}${digit}`)) return `${body}${digit}`;
}

export function paymentBody(overrides: Record<string, unknown> = {}) {
  return {
    amount: 2500,
    currency: 'EUR',
    card: { number: freshCard(), expMonth: 12, expYear: 2030, cvc: '123' },
    customer: {
      country: 'DE',
      email: `buyer-${randomUUID()}@example.com`,
      ip: `198.51.${counter % 250}.${Math.floor(Math.random() * 250)}`,
      deviceId: randomUUID(),
    },
    ...overrides,
  };
}
