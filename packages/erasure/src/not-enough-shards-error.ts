/** Fewer than k shards of a stripe survive: the data cannot be recovered. */
export class NotEnoughShardsError extends Error {
  readonly present: number;
  readonly required: number;

  constructor(present: number, required: number) {
    super(`cannot reconstruct: ${present} shards present, at least ${required} needed`);
    this.name = 'NotEnoughShardsError';
    this.present = present;
    this.required = required;
  }
}
