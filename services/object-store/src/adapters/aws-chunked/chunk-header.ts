import { S3Error } from '../../domain/s3-error.ts';

export interface ChunkHeader {
  readonly size: number;
  /** `chunk-signature=` of the signed streaming modes. */
  readonly signature: string | undefined;
}

/** Larger chunks would not be held in memory anyway, but sizes past 2^53 are not numbers. */
const SIZE = /^[0-9a-fA-F]{1,13}$/;

/** `<hex size>[;chunk-signature=<hex>]`; other extensions are allowed and ignored, as in HTTP. */
export function parseChunkHeader(line: string): ChunkHeader {
  const [size = '', ...extensions] = line.split(';');
  if (!SIZE.test(size)) {
    throw new S3Error(
      'InvalidArgument',
      `aws-chunked framing: "${clip(line)}" is not a chunk header.`,
    );
  }
  let signature: string | undefined;
  for (const extension of extensions) {
    const equals = extension.indexOf('=');
    if (equals !== -1 && extension.slice(0, equals).trim() === 'chunk-signature') {
      signature = extension.slice(equals + 1).trim();
    }
  }
  return { size: Number.parseInt(size, 16), signature };
}

/** Keeps error messages short whatever a client sent. */
export function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
