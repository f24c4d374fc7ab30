import { S3Error } from '../../s3-error.ts';

/** The one error S3 answers for any body it cannot read as the document it expects. */
export function malformedXml(cause?: unknown): S3Error {
  return new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    { cause },
  );
}
