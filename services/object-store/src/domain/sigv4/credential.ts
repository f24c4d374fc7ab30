/** `X-Amz-Credential` / `Credential=`: `<access key>/<yyyymmdd>/<region>/<service>/aws4_request`. */
export interface Credential {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  /** `<yyyymmdd>/<region>/<service>/aws4_request`, the scope line of the string to sign. */
  readonly scope: string;
}

/** The credential's parts, or a reason it is malformed (worded like AWS's messages). */
export function parseCredential(value: string): Credential | { readonly malformed: string } {
  const parts = value.split('/');
  if (parts.length !== 5) {
    return {
      malformed: `the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    };
  }
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = parts;
  if (accessKeyId === '') {
    return { malformed: 'a non-empty Access Key (AKID) must be provided in the credential.' };
  }
  if (!/^\d{8}$/.test(date))
    return {
      malformed: `incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`,
    };
  if (region === '') return { malformed: 'a non-empty region must be provided in the credential.' };
  if (service !== 's3')
    return { malformed: `incorrect service "${service}". This endpoint belongs to "s3".` };
  if (terminator !== 'aws4_request') {
    return { malformed: `incorrect terminal "${terminator}". This endpoint uses "aws4_request".` };
  }
  return { accessKeyId, date, region, service, scope: parts.slice(1).join('/') };
}
