import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';
import type { RawResponse } from './signed-request.ts';

export interface S3ErrorBody {
  Code: string;
  Message: string;
  RequestId: string;
  [field: string]: string;
}

const parser = new XMLParser({ parseTagValue: false, ignoreDeclaration: true });

/**
 * Reads an S3 error answer the way clients do, asserting what every one of them relies on:
 * well-formed XML, an `<Error>` root with non-empty Code, Message (the AWS CLI crashes on an
 * empty one) and RequestId, the same id as the `x-amz-request-id` header.
 */
export function readS3Error(response: RawResponse): S3ErrorBody {
  expect(response.headers['content-type']).toBe('application/xml');
  expect(XMLValidator.validate(response.text)).toBe(true);
  const { Error: error } = parser.parse(response.text) as { Error?: S3ErrorBody };
  expect(error).toBeDefined();
  expect(error!.Code).toMatch(/^[A-Za-z0-9]+$/);
  expect(error!.Message).not.toBe('');
  expect(error!.RequestId).not.toBe('');
  expect(response.headers['x-amz-request-id']).toBe(error!.RequestId);
  return error!;
}

/** Asserts the answer is the S3 error `code` with `status`, and returns its body. */
export function expectS3Error(response: RawResponse, status: number, code: string): S3ErrorBody {
  const error = readS3Error(response);
  expect({ status: response.status, code: error.Code }).toEqual({ status, code });
  return error;
}
