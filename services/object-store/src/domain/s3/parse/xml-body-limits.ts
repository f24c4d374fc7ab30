/**
 * The largest request bodies accepted, in bytes. The gateway should stop reading a body past
 * its limit (answering MaxMessageLengthExceeded), so no body is ever buffered whole.
 * - DeleteObjects: 1000 keys of up to 1024 bytes each, with version ids and some escaping.
 * - CompleteMultipartUpload: 10 000 parts with ETags and a checksum each, pretty-printed.
 * - Bucket configurations are a few elements.
 */
export const XML_BODY_LIMITS = {
  deleteObjects: 2 * 1024 * 1024,
  completeMultipartUpload: 4 * 1024 * 1024,
  configuration: 64 * 1024,
} as const;
