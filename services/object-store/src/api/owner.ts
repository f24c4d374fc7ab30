import type { Owner } from '../domain/s3/index.ts';

/** Access keys are the only identities here: the owner is named after the key. */
export function ownerOf(accessKeyId: string): Owner {
  return { id: accessKeyId, displayName: accessKeyId };
}
