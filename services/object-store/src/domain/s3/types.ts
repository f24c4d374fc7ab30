/** The records the S3 layer lists and renders; storage adapters produce them. */

export interface Owner {
  readonly id: string;
  readonly displayName: string;
}

/** The additional checksums S3 stores and returns beside the ETag, base64 encoded. */
export const CHECKSUM_FIELDS = [
  'ChecksumCRC32',
  'ChecksumCRC32C',
  'ChecksumCRC64NVME',
  'ChecksumSHA1',
  'ChecksumSHA256',
] as const;

export type ChecksumField = (typeof CHECKSUM_FIELDS)[number];
export type Checksums = Readonly<Partial<Record<ChecksumField, string>>>;

/** The current version of an object, as ListObjects shows it. ETags are stored unquoted. */
export interface ObjectEntry {
  readonly key: string;
  readonly lastModified: Date;
  readonly etag: string;
  readonly size: number;
  readonly storageClass?: string;
  readonly owner?: Owner;
}

/** One version of a key, or a delete marker, as ListObjectVersions shows it. */
export type VersionEntry =
  | (ObjectEntry & {
      readonly kind: 'version';
      readonly versionId: string;
      readonly isLatest: boolean;
    })
  | {
      readonly kind: 'deleteMarker';
      readonly key: string;
      readonly versionId: string;
      readonly isLatest: boolean;
      readonly lastModified: Date;
      readonly owner?: Owner;
    };

/** An upload in progress, as ListMultipartUploads shows it. */
export interface UploadEntry {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: Date;
  readonly initiator?: Owner;
  readonly owner?: Owner;
  readonly storageClass?: string;
}

/** An uploaded part, as ListParts shows it. */
export interface PartEntry {
  readonly partNumber: number;
  readonly lastModified: Date;
  readonly etag: string;
  readonly size: number;
  readonly checksums?: Checksums;
}
