/**
 * The chart of accounts and the transfers each money movement makes. Sign convention: an
 * entry's amount is what flows INTO the account (a credit, positive) or OUT of it (a debit,
 * negative). A transfer balances when its amounts sum to zero per currency, so the sum of all
 * balances of a currency is zero at every moment.
 */
export interface LedgerAccount {
  code: string;
  currency: string;
  /** Only accounts standing for the outside world, or netted positions, may go below zero. */
  allowNegative: boolean;
}

export interface LedgerEntry {
  account: LedgerAccount;
  amount: number;
}

export type TransferKind = 'authorize' | 'capture' | 'void' | 'refund' | 'settle';

export interface Transfer {
  /** UUID chosen by the caller; posting the same id twice posts once. */
  id: string;
  kind: TransferKind;
  paymentId: string | null;
  entries: LedgerEntry[];
}

export const accounts = {
  /** Cardholders' money outside the platform: the source of every payment. */
  cardholders: (currency: string) => account(`cardholders:${currency}`, currency, true),
  /** Customer funds held by open authorizations: never negative. */
  customerFunds: (currency: string) => account(`customer_funds:${currency}`, currency, false),
  /** What a PSP owes for captures not yet settled (refunds net against it). */
  pspReceivable: (psp: string, currency: string) =>
    account(`psp_receivable:${psp}:${currency}`, currency, true),
  /** Settled proceeds owed to a merchant. */
  merchantPayable: (merchant: string, currency: string) =>
    account(`merchant_payable:${merchant}:${currency}`, currency, true),
  /** Fees PSPs kept at settlement. */
  pspFees: (psp: string, currency: string) =>
    account(`psp_fees:${psp}:${currency}`, currency, false),
};

function account(code: string, currency: string, allowNegative: boolean): LedgerAccount {
  return { code, currency, allowNegative };
}

export interface PaymentRef {
  id: string;
  merchantId: string;
  currency: string;
  psp: string;
}

export function authorizeTransfer(id: string, payment: PaymentRef, amount: number): Transfer {
  const { currency } = payment;
  return transfer(id, 'authorize', payment.id, [
    [accounts.cardholders(currency), -amount],
    [accounts.customerFunds(currency), amount],
  ]);
}

/** Captures `captured` of an `authorized` hold and releases the rest to the cardholder. */
export function captureTransfer(
  id: string,
  payment: PaymentRef,
  authorized: number,
  captured: number,
): Transfer {
  const { currency } = payment;
  return transfer(id, 'capture', payment.id, [
    [accounts.customerFunds(currency), -authorized],
    [accounts.pspReceivable(payment.psp, currency), captured],
    [accounts.cardholders(currency), authorized - captured],
  ]);
}

export function voidTransfer(id: string, payment: PaymentRef, authorized: number): Transfer {
  const { currency } = payment;
  return transfer(id, 'void', payment.id, [
    [accounts.customerFunds(currency), -authorized],
    [accounts.cardholders(currency), authorized],
  ]);
}

/**
 * A refund goes back to the cardholder through the PSP, which nets it against what it owes:
 * the settlement file lists it as a negative line, and the merchant's payable shrinks then.
 */
export function refundTransfer(id: string, payment: PaymentRef, amount: number): Transfer {
  const { currency } = payment;
  return transfer(id, 'refund', payment.id, [
    [accounts.pspReceivable(payment.psp, currency), -amount],
    [accounts.cardholders(currency), amount],
  ]);
}

/** A settlement batch: the PSP pays `net` for one merchant, keeping `fee`. */
export function settleTransfer(
  id: string,
  psp: string,
  merchantId: string,
  currency: string,
  net: number,
  fee: number,
): Transfer {
  return transfer(id, 'settle', null, [
    [accounts.pspReceivable(psp, currency), -net],
    [accounts.merchantPayable(merchantId, currency), net - fee],
    [accounts.pspFees(psp, currency), fee],
  ]);
}

function transfer(
  id: string,
  kind: TransferKind,
  paymentId: string | null,
  legs: [LedgerAccount, number][],
): Transfer {
  const entries = legs
    .filter(([, amount]) => amount !== 0)
    .map(([account, amount]) => ({ account, amount }));
  return { id, kind, paymentId, entries };
}

/** Sum of entry amounts per currency; a balanced transfer has only zeros. */
export function netByCurrency(entries: readonly LedgerEntry[]): Map<string, number> {
  const net = new Map<string, number>();
  for (const { account, amount } of entries) {
    net.set(account.currency, (net.get(account.currency) ?? 0) + amount);
  }
  return net;
}
