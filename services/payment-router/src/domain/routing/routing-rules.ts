/** A merchant-facing routing rule: where a payment matching `when` may or should go. */
export interface RoutingRule {
  name: string;
  when: { currency?: string; brand?: string; country?: string; binPrefix?: string };
  /** Only these PSPs may take the payment. */
  only?: string[];
  /** These PSPs may not. */
  exclude?: string[];
  /** Try this PSP first when it is eligible (contracts, volume commitments). */
  prefer?: string;
}

export interface RoutedPayment {
  amount: number;
  currency: string;
  brand: string;
  country: string;
  bin: string;
}

export function ruleMatches(rule: RoutingRule, payment: RoutedPayment): boolean {
  const { when } = rule;
  return (
    (when.currency === undefined || when.currency === payment.currency) &&
    (when.brand === undefined || when.brand === payment.brand) &&
    (when.country === undefined || when.country === payment.country) &&
    (when.binPrefix === undefined || payment.bin.startsWith(when.binPrefix))
  );
}
