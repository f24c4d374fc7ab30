import type { HashName } from '../../domain/checksums/index.ts';

/** What the gateway's thread tells a hash thread, per stream, in order. */
export type ToHashThread =
  | { type: 'open'; stream: number; names: HashName[] }
  /** `bytes` owns its ArrayBuffer, which is transferred (never a view of a shared pool). */
  | { type: 'update'; stream: number; bytes: Uint8Array }
  | { type: 'digest'; stream: number }
  | { type: 'abort'; stream: number };

/** A hash thread's answers: each batch once hashed (its buffer sent back), then the digests. */
export type FromHashThread =
  | { type: 'hashed'; stream: number; bytes: Uint8Array }
  | { type: 'digests'; stream: number; digests: [HashName, Uint8Array][] };
