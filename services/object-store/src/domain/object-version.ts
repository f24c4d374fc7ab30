/** An erasure-coded run of bytes: one PUT body or one multipart part. */
export interface Segment {
  id: string;
  size: number;
  dataShards: number;
  parityShards: number;
  blockSize: number;
  /** Node id holding shard i, for i in 0 … k+m-1. */
  nodes: string[];
}

export type Versioning = 'unversioned' | 'enabled' | 'suspended';

/** Version id S3 gives objects written while versioning is off or suspended. */
export const NULL_VERSION_ID = 'null';

export interface ObjectVersion {
  bucket: string;
  key: string;
  versionId: string;
  isLatest: boolean;
  isDeleteMarker: boolean;
  size: number;
  etag: string;
  contentType: string | undefined;
  userMetadata: Record<string, string>;
  /** `x-amz-checksum-*` values the client sent and we verified, by algorithm. */
  checksums: Record<string, string>;
  /** The object's bytes, in order: one segment for a PUT, one per part after multipart. */
  segments: Segment[];
  lastModified: Date;
}
