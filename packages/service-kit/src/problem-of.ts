import { ServiceError, statusOf } from '@scale-models/errors';

/** One invalid field of a request, as RFC 9457 suggests (`errors` extension member). */
export interface FieldError {
  /** Which part of the request: body, querystring, params or headers. */
  in: string;
  /** JSON pointer into that part, as a URI fragment (`#/amount`). */
  pointer: string;
  detail: string;
}

/** What a client may learn about an error; `internal` ones are logged in full, shown generically. */
export interface ProblemFields {
  status: number;
  code: string;
  detail: string;
  internal: boolean;
  errors?: FieldError[];
  extensions?: Record<string, unknown>;
}

// fastify's own request errors, by their FST_ code, renamed into our stable codes. Their HTTP
// status is fastify's (413, 415, 400); only the names are ours.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.malformed_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.invalid_content_length',
  FST_ERR_BAD_URL: 'request.bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'request.param_too_long',
};

const INTERNAL_DETAIL = 'An unexpected error occurred; quote the request id when reporting it.';

/** Classifies anything thrown while handling a request. */
export function problemOf(error: unknown): ProblemFields {
  if (error instanceof ServiceError) {
    const status = statusOf(error.kind).http;
    return {
      status,
      code: error.code,
      detail: error.message,
      internal: false,
      extensions: error.details,
    };
  }
  const fastifyError = asFastifyClientError(error);
  if (fastifyError === undefined) {
    return { status: 500, code: 'internal', detail: INTERNAL_DETAIL, internal: true };
  }
  if (fastifyError.validation !== undefined) {
    return {
      status: fastifyError.statusCode,
      code: 'request.invalid',
      detail: 'The request does not match the schema.',
      internal: false,
      errors: fastifyError.validation.map((v) => fieldError(v, fastifyError.validationContext)),
    };
  }
  const code = FASTIFY_CODES[fastifyError.code] ?? 'request.rejected';
  return { status: fastifyError.statusCode, code, detail: fastifyError.message, internal: false };
}

interface AjvError {
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

interface FastifyClientError {
  code: string;
  statusCode: number;
  message: string;
  validation?: AjvError[];
  validationContext?: string;
}

// Only fastify's own 4xx errors describe the request; any other error (including third-party
// errors that carry a statusCode) is a bug or an outage and stays internal.
function asFastifyClientError(error: unknown): FastifyClientError | undefined {
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Partial<FastifyClientError>;
  const isFastify = typeof candidate.code === 'string' && candidate.code.startsWith('FST_');
  const status = candidate.statusCode;
  if (!isFastify || typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return candidate as FastifyClientError;
}

function fieldError(error: AjvError, context = 'body'): FieldError {
  const missing = error.params.missingProperty;
  const path =
    typeof missing === 'string' ? `${error.instancePath}/${missing}` : error.instancePath;
  return { in: context, pointer: `#${path}`, detail: error.message ?? 'is invalid' };
}
