export { decodeAwsChunked } from './decode-aws-chunked.ts';
export type { AwsChunkedBody, AwsChunkedOptions } from './decode-aws-chunked.ts';
export { decodedContentLengthOf } from './decoded-content-length.ts';
