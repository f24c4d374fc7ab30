import type { PspProfile } from './routing/choose-route.ts';

/**
 * The three acquirers of the miniature and their commercial terms: what the router knows
 * about a PSP (its contract) and what the simulated PSP charges in its settlement files.
 */
export const PSP_CONTRACTS: readonly PspProfile[] = [
  {
    name: 'atlas',
    feeBps: 140,
    feeFixed: 10,
    currencies: ['EUR', 'USD', 'GBP', 'JPY'],
    brands: ['visa', 'mastercard', 'amex'],
  },
  {
    name: 'borealis',
    feeBps: 180,
    feeFixed: 20,
    currencies: ['EUR', 'USD', 'GBP', 'BRL', 'JPY'],
    brands: ['visa', 'mastercard', 'discover'],
  },
  {
    name: 'cygnus',
    feeBps: 250,
    feeFixed: 25,
    currencies: ['EUR', 'USD', 'GBP', 'BRL', 'JPY', 'KWD'],
    brands: ['visa', 'mastercard', 'amex', 'discover'],
  },
];

export function contractOf(name: string): PspProfile {
  const contract = PSP_CONTRACTS.find((candidate) => candidate.name === name);
  if (contract === undefined) throw new Error(`no PSP named ${name}`);
  return contract;
}
