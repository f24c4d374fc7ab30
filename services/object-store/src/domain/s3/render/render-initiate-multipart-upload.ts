import { element, renderXmlDocument, s3Root } from '../xml/xml-document.ts';

/** CreateMultipartUpload (`POST /bucket/key?uploads`): `InitiateMultipartUploadResult`. */
export function renderInitiateMultipartUpload(upload: {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
}): string {
  return renderXmlDocument(
    s3Root('InitiateMultipartUploadResult', [
      element('Bucket', upload.bucket),
      element('Key', upload.key),
      element('UploadId', upload.uploadId),
    ]),
  );
}
