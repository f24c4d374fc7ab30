import { uniqueName } from '@scale-models/testkit';

/** A valid bucket name no other test uses (bucket names allow `-`, not `_`). */
export function newBucketName(base: string): string {
  return uniqueName(base).replaceAll('_', '-');
}
