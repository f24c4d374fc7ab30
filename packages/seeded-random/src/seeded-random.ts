/** A source of uniform numbers in [0, 1): `Math.random` in a service, `seededRandom(n)` where a run must repeat. */
export type Random = () => number;

/**
 * mulberry32: a tiny, fast, well-mixed 32-bit generator. Not cryptographic; enough for simulation,
 * sampling and synthetic data, where the same seed must give the same sequence on every machine.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
