import { S3Error } from '../../domain/s3-error.ts';
import { headerValue } from '../../domain/sigv4/request-headers.ts';
import type { RequestHeaders } from '../../domain/sigv4/request-headers.ts';

/** `x-amz-decoded-content-length`: the object's size, which aws-chunked bodies must announce. */
export function decodedContentLengthOf(headers: RequestHeaders): number {
  const value = headerValue(headers, 'x-amz-decoded-content-length');
  if (value === undefined) {
    throw new S3Error(
      'MissingContentLength',
      'An aws-chunked upload must send x-amz-decoded-content-length.',
    );
  }
  if (!/^\d{1,15}$/.test(value)) {
    throw new S3Error(
      'InvalidArgument',
      'x-amz-decoded-content-length must be a number of bytes.',
      {
        fields: { ArgumentName: 'x-amz-decoded-content-length', ArgumentValue: value },
      },
    );
  }
  return Number(value);
}
