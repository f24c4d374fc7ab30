import { randomUUID } from 'node:crypto';
import type { PspProfile } from '../domain/routing/choose-route.ts';
import { feeOf } from '../domain/routing/choose-route.ts';
import type { SettlementLine } from '../domain/reconciliation.ts';

export interface Charge {
  id: string;
  reference: string;
  amount: number;
  currency: string;
  status: 'approved' | 'declined' | 'captured' | 'voided';
  declineCode?: string;
  capturedAmount: number;
  refundedAmount: number;
  createdAt: string;
}

export interface SettledOperation extends SettlementLine {
  at: Date;
}

/** A capture, refund or void as the PSP's status inquiry reports it. */
export interface ChargeOperation {
  reference: string;
  kind: 'capture' | 'refund' | 'void';
  chargeId: string;
  amount: number;
}

export class PspRequestError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * The simulated PSP's own books, in memory (it is a fake of an outside party). Like a real
 * acquirer, it deduplicates only by its Idempotency-Key header: the same charge sent twice
 * without one is charged twice.
 */
export class ChargeBook {
  private readonly contract: PspProfile;
  private readonly charges = new Map<string, Charge>();
  private readonly byReference = new Map<string, string[]>();
  private readonly idempotent = new Map<string, unknown>();
  private readonly settled: SettledOperation[] = [];
  private readonly operations = new Map<string, ChargeOperation>();

  constructor(contract: PspProfile) {
    this.contract = contract;
  }

  /** Runs `operation` once per idempotency key; a repeat gets the first answer. */
  once<T>(key: string | undefined, operation: () => T): T {
    if (key === undefined) return operation();
    if (this.idempotent.has(key)) return this.idempotent.get(key) as T;
    const result = operation();
    this.idempotent.set(key, result);
    return result;
  }

  charge(input: {
    reference: string;
    amount: number;
    currency: string;
    approved: boolean;
    declineCode?: string;
    capture: boolean;
    at: Date;
  }): Charge {
    const charge: Charge = {
      id: `ch_${randomUUID().replaceAll('-', '')}`,
      reference: input.reference,
      amount: input.amount,
      currency: input.currency,
      status: input.approved ? 'approved' : 'declined',
      capturedAmount: 0,
      refundedAmount: 0,
      createdAt: input.at.toISOString(),
      ...(input.declineCode === undefined ? {} : { declineCode: input.declineCode }),
    };
    this.charges.set(charge.id, charge);
    this.byReference.set(input.reference, [
      ...(this.byReference.get(input.reference) ?? []),
      charge.id,
    ]);
    if (input.approved && input.capture)
      this.capture(charge.id, input.amount, input.reference, input.at);
    return charge;
  }

  find(id: string): Charge {
    const charge = this.charges.get(id);
    if (charge === undefined) throw new PspRequestError(404, 'no_such_charge', `no charge ${id}`);
    return charge;
  }

  /** Status inquiry: every charge made under one of our references. */
  byMerchantReference(reference: string): Charge[] {
    return (this.byReference.get(reference) ?? []).map((id) => this.find(id));
  }

  capture(id: string, amount: number, reference: string, at: Date): Charge {
    const charge = this.find(id);
    if (charge.status !== 'approved') {
      throw new PspRequestError(409, 'not_capturable', `charge is ${charge.status}`);
    }
    if (amount > charge.amount)
      throw new PspRequestError(400, 'amount_too_large', 'over authorized');
    charge.status = 'captured';
    charge.capturedAmount = amount;
    this.book('capture', charge, amount, reference, at);
    return charge;
  }

  refund(id: string, amount: number, reference: string, at: Date): Charge {
    const charge = this.find(id);
    if (charge.status !== 'captured' || charge.refundedAmount + amount > charge.capturedAmount) {
      throw new PspRequestError(409, 'not_refundable', 'nothing left to refund');
    }
    charge.refundedAmount += amount;
    this.book('refund', charge, amount, reference, at);
    return charge;
  }

  void(id: string, reference: string): Charge {
    const charge = this.find(id);
    if (charge.status !== 'approved') throw new PspRequestError(409, 'not_voidable', charge.status);
    charge.status = 'voided';
    this.operations.set(reference, {
      reference,
      kind: 'void',
      chargeId: id,
      amount: charge.amount,
    });
    return charge;
  }

  /** Status inquiry of a capture, refund or void by our reference (its idempotency key). */
  operation(reference: string): ChargeOperation {
    const operation = this.operations.get(reference);
    if (operation === undefined) {
      throw new PspRequestError(404, 'no_such_operation', `no operation ${reference}`);
    }
    return operation;
  }

  /** The settlement file's lines for one UTC day (YYYY-MM-DD). */
  settlementLines(day: string): SettlementLine[] {
    return this.settled
      .filter((operation) => operation.at.toISOString().slice(0, 10) === day)
      .map(({ at: _at, ...line }) => line);
  }

  /** Charges made per reference, for tests that count double charges. */
  chargeCount(reference: string): number {
    return this.byReference.get(reference)?.length ?? 0;
  }

  private book(
    type: 'capture' | 'refund',
    charge: Charge,
    amount: number,
    reference: string,
    at: Date,
  ) {
    const fee = type === 'capture' ? feeOf(this.contract, amount) : 0;
    this.operations.set(reference, { reference, kind: type, chargeId: charge.id, amount });
    this.settled.push({
      reference,
      pspChargeId: charge.id,
      type,
      amount,
      currency: charge.currency,
      fee,
      at,
    });
  }
}
