/**
 * Trailing metadata keys that carry a ServiceError across the wire, so the client rebuilds the
 * same error. Not `grpc-` prefixed: that namespace is reserved by the protocol.
 */
export const ERROR_METADATA = {
  code: 'error-code',
  kind: 'error-kind',
  /** JSON of `details`; a `-bin` key because JSON may hold non-ASCII text. */
  details: 'error-details-bin',
} as const;
