/**
 * Request headers by lower-cased name. A value is a list when the header was sent more than
 * once (Node's `request.headersDistinct`); `request.headers` works too for requests that don't
 * repeat signed headers.
 */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One header's value; a repeated header's values joined with ',' as SigV4 and HTTP read them. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return value === undefined || typeof value === 'string' ? value : value.join(',');
}
