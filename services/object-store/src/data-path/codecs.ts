import { createCodec } from '@scale-models/erasure';
import type { ErasureCodec } from '@scale-models/erasure';

const codecs = new Map<string, ErasureCodec>();

/** One codec per (k, m): segments written under an older configuration stay readable. */
export function codecFor({
  dataShards,
  parityShards,
}: {
  dataShards: number;
  parityShards: number;
}): ErasureCodec {
  const name = `${dataShards}+${parityShards}`;
  let codec = codecs.get(name);
  if (codec === undefined) {
    codec = createCodec({ dataShards, parityShards });
    codecs.set(name, codec);
  }
  return codec;
}
