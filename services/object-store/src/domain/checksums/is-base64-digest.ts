/** Whether `value` is canonical padded base64 of exactly `bytes` bytes, as S3 sends digests. */
export function isBase64Digest(value: string, bytes: number): boolean {
  return (
    /^[A-Za-z0-9+/]*={0,2}$/.test(value) &&
    value.length === Math.ceil(bytes / 3) * 4 &&
    Buffer.from(value, 'base64').toString('base64') === value
  );
}
