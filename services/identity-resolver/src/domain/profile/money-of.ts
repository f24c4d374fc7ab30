/**
 * Revenue of an `Order Completed` in integer minor units with its currency. Segment sends
 * `revenue` (or `total`) as a decimal in major units; we never add floats.
 */
export function orderValueOf(
  properties: Record<string, unknown> | undefined,
): { minor: number; currency: string } | undefined {
  const amount = properties?.revenue ?? properties?.total;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return undefined;
  const currency =
    typeof properties?.currency === 'string' ? properties.currency.toUpperCase() : 'USD';
  return { minor: Math.round(amount * 100), currency };
}
