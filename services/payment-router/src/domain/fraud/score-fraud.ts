/** Counts from the velocity windows (the current attempt included), read in one Redis call. */
export interface Velocity {
  cardLast10m: number;
  cardLast24h: number;
  ipLast1h: number;
  emailLast1h: number;
  cardsOnDevice24h: number;
  cardsFromIp24h: number;
}

export interface FraudInput {
  velocity: Velocity;
  /** Amount in major units (the currency's exponent applied), so weights work across currencies. */
  majorAmount: number;
  cardCountry: string;
  ipCountry: string | undefined;
  email: string | undefined;
}

export type FraudDecision = 'approve' | 'review' | 'decline';

export interface FraudReason {
  code: string;
  detail: string;
  /** Contribution to the log-odds (model) or 'rule' for a rule that decided alone. */
  weight: number | 'rule';
}

export interface FraudAssessment {
  score: number;
  decision: FraudDecision;
  reasons: FraudReason[];
}

const DISPOSABLE_DOMAINS = new Set(['mailinator.com', 'guerrillamail.com', 'tempmail.dev']);

interface Feature {
  code: string;
  weight: number;
  value: (input: FraudInput) => number;
  detail: (input: FraudInput) => string;
}

// A logistic model with hand-set weights (a trained model would replace the numbers, not the
// shape): each feature's contribution to the log-odds is its explanation.
const INTERCEPT = -4.2;
const FEATURES: Feature[] = [
  {
    code: 'card_velocity_10m',
    weight: 0.9,
    value: ({ velocity }) => Math.max(0, velocity.cardLast10m - 2),
    detail: ({ velocity }) => `card used ${velocity.cardLast10m} times in 10 minutes`,
  },
  {
    code: 'card_velocity_24h',
    weight: 0.15,
    value: ({ velocity }) => Math.max(0, velocity.cardLast24h - 5),
    detail: ({ velocity }) => `card used ${velocity.cardLast24h} times in 24 hours`,
  },
  {
    code: 'ip_velocity_1h',
    weight: 0.25,
    value: ({ velocity }) => Math.max(0, velocity.ipLast1h - 5),
    detail: ({ velocity }) => `${velocity.ipLast1h} payments from this IP in an hour`,
  },
  {
    code: 'email_velocity_1h',
    weight: 0.4,
    value: ({ velocity }) => Math.max(0, velocity.emailLast1h - 3),
    detail: ({ velocity }) => `${velocity.emailLast1h} payments with this email in an hour`,
  },
  {
    code: 'cards_per_device',
    weight: 1.1,
    value: ({ velocity }) => Math.max(0, velocity.cardsOnDevice24h - 1),
    detail: ({ velocity }) => `${velocity.cardsOnDevice24h} different cards on this device today`,
  },
  {
    code: 'cards_per_ip',
    weight: 0.5,
    value: ({ velocity }) => Math.max(0, velocity.cardsFromIp24h - 2),
    detail: ({ velocity }) => `${velocity.cardsFromIp24h} different cards from this IP today`,
  },
  {
    code: 'large_amount',
    weight: 1.2,
    value: ({ majorAmount }) => Math.max(0, Math.log10(Math.max(majorAmount, 1)) - 3),
    detail: ({ majorAmount }) => `amount ${majorAmount} is unusually large`,
  },
  {
    code: 'country_mismatch',
    weight: 1.8,
    value: ({ ipCountry, cardCountry }) =>
      ipCountry !== undefined && ipCountry !== cardCountry ? 1 : 0,
    detail: ({ ipCountry, cardCountry }) => `IP in ${ipCountry}, card from ${cardCountry}`,
  },
  {
    code: 'disposable_email',
    weight: 2.0,
    value: ({ email }) => (DISPOSABLE_DOMAINS.has(email?.split('@')[1] ?? '') ? 1 : 0),
    detail: () => 'email at a disposable-address domain',
  },
];

/** Rules that decide alone, before the model: known card-testing patterns. */
const HARD_RULES: { code: string; applies: (input: FraudInput) => boolean; detail: string }[] = [
  {
    code: 'card_testing_device',
    applies: ({ velocity }) => velocity.cardsOnDevice24h >= 6,
    detail: 'six or more cards tried on one device in a day',
  },
  {
    code: 'card_burst',
    applies: ({ velocity }) => velocity.cardLast10m >= 12,
    detail: 'card used twelve or more times in ten minutes',
  },
];

export const REVIEW_AT = 0.5;
export const DECLINE_AT = 0.85;

/** Scores one payment: hard rules first, then the model; reasons sorted by weight. */
export function scoreFraud(input: FraudInput): FraudAssessment {
  const rule = HARD_RULES.find((candidate) => candidate.applies(input));
  if (rule !== undefined) {
    return {
      score: 1,
      decision: 'decline',
      reasons: [{ code: rule.code, detail: rule.detail, weight: 'rule' }],
    };
  }
  let logOdds = INTERCEPT;
  const reasons: FraudReason[] = [];
  for (const feature of FEATURES) {
    const contribution = feature.weight * feature.value(input);
    if (contribution === 0) continue;
    logOdds += contribution;
    reasons.push({
      code: feature.code,
      detail: feature.detail(input),
      weight: Math.round(contribution * 100) / 100,
    });
  }
  reasons.sort((a, b) => (b.weight as number) - (a.weight as number));
  const score = Math.round((1 / (1 + Math.exp(-logOdds))) * 1000) / 1000;
  const decision = score >= DECLINE_AT ? 'decline' : score >= REVIEW_AT ? 'review' : 'approve';
  return { score, decision, reasons };
}
