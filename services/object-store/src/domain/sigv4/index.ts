export { verifyRequestSignature } from './verify-request-signature.ts';
export type { AuthContext, SignedRequest, VerifyOptions } from './auth-context.ts';
export { isStreaming, payloadModeOf } from './payload-mode.ts';
export type { PayloadMode } from './payload-mode.ts';
export type { RequestHeaders } from './request-headers.ts';
export { createChunkSignatureChain } from './chunk-signature-chain.ts';
export type { ChunkSignatureChain } from './chunk-signature-chain.ts';
export { checkPayloadSha256, createPayloadHashVerifier } from './payload-hash-verifier.ts';
export type { PayloadHashVerifier } from './payload-hash-verifier.ts';
