/**
 * A card-fraud history for the example registry (`examples/registry.yaml`): each user's account
 * age, and per (user, merchant) pair its stats and whether its payment was fraud. The label is a
 * linear rule of the three `fraud_signals` features, so a logistic regression fits it. Shared by
 * the composite-key inference test and the tour.
 */
export interface FraudPair {
  user_id: number;
  merchant_id: string;
  txn_count: number;
  amount_sum: number;
  fraud: 0 | 1;
}

export const accountAgeOf = (user: number): number => (user * 37) % 1000;

export function fraudPairs(users: number[], merchants: string[]): FraudPair[] {
  return users.flatMap((user) =>
    merchants.map((merchant, m) => {
      const txn_count = (user * 7 + m * 3) % 20;
      const amount_sum = ((user * 13 + m * 29) % 100) * 1.5;
      const score = amount_sum / 150 - txn_count / 20 - accountAgeOf(user) / 1000;
      return {
        user_id: user,
        merchant_id: merchant,
        txn_count,
        amount_sum,
        fraud: score > -0.3 ? 1 : 0,
      };
    }),
  );
}
