/** Counts of accepted and dropped calls by reason: what Segment shows in its debugger. */
export class IngestStats {
  readonly #counts = new Map<string, number>();

  count(reason: string, n = 1): void {
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + n);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}
