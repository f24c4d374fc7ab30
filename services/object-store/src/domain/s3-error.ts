/**
 * The S3 error codes this store answers with, and the HTTP status each one carries. S3 clients
 * branch on the code (the AWS SDKs throw a class per code), so codes and statuses follow AWS's
 * "Error responses" reference exactly. Every error has a non-empty message: the AWS CLI crashes
 * on an empty `<Message>`.
 */
export const S3_ERROR_STATUS = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyExists: 409,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidURI: 400,
  KeyTooLongError: 400,
  MalformedXML: 400,
  MaxMessageLengthExceeded: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  MissingSecurityHeader: 400,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NoSuchVersion: 404,
  NotImplemented: 501,
  PreconditionFailed: 412,
  RequestTimeTooSkewed: 403,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
} as const;

export type S3ErrorCode = keyof typeof S3_ERROR_STATUS;

export interface S3ErrorOptions {
  /** The bucket or key the error is about; rendered as `<Resource>`. */
  resource?: string;
  /** Extra elements S3 adds for some codes, e.g. `{ Key: 'a.txt' }` or `{ StringToSign: … }`. */
  fields?: Record<string, string>;
  /** Response headers the error carries, e.g. `x-amz-delete-marker: true` on a 404. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class S3Error extends Error {
  readonly code: S3ErrorCode;
  readonly status: number;
  readonly resource: string | undefined;
  readonly fields: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: S3ErrorCode, message: string, options: S3ErrorOptions = {}) {
    super(message === '' ? code : message, { cause: options.cause });
    this.name = 'S3Error';
    this.code = code;
    this.status = S3_ERROR_STATUS[code];
    this.resource = options.resource;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
  }
}
