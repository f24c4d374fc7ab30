/**
 * How many shards of a segment must be durable before the write is acknowledged. k shards
 * are enough to read it back; one more means the object survives the loss of any one more
 * node before the healer has restored the missing shards. With m = 0 there is nothing
 * spare, so all k are needed. Fewer live writers than this fail the PUT with 503 and leave
 * nothing visible.
 */
export function writeQuorum(dataShards: number, parityShards: number): number {
  return parityShards === 0 ? dataShards : dataShards + 1;
}
