import type { Checksums } from '../types.ts';
import { element, renderXmlDocument, s3Root } from '../xml/xml-document.ts';
import { checksumElements, etagElement } from './elements.ts';

export interface CopyResult {
  readonly etag: string;
  readonly lastModified: Date;
  readonly checksums?: Checksums;
}

/** CopyObject: `CopyObjectResult`. */
export function renderCopyObjectResult(result: CopyResult): string {
  return renderCopy('CopyObjectResult', result);
}

/** UploadPartCopy: `CopyPartResult`, the same fields under another root. */
export function renderCopyPartResult(result: CopyResult): string {
  return renderCopy('CopyPartResult', result);
}

function renderCopy(root: string, result: CopyResult): string {
  return renderXmlDocument(
    s3Root(root, [
      element('LastModified', result.lastModified),
      etagElement(result.etag),
      ...checksumElements(result.checksums),
    ]),
  );
}
