import { S3Error } from '../../s3-error.ts';

// AWS's rules for general purpose buckets. The reserved affixes belong to access point
// aliases, Object Lambda, Multi-Region Access Points, directory and table buckets, and
// internationalised domain names (xn--), which a name must never be mistaken for.
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];
const SHAPE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/;

/** The reason a bucket name breaks S3's naming rules, or `undefined` when it is valid. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (!SHAPE.test(name)) {
    return 'may only hold lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit';
  }
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (IP_ADDRESS.test(name)) return 'must not be formatted as an IP address';
  const prefix = RESERVED_PREFIXES.find((reserved) => name.startsWith(reserved));
  if (prefix !== undefined) return `must not start with the reserved prefix ${prefix}`;
  const suffix = RESERVED_SUFFIXES.find((reserved) => name.endsWith(reserved));
  if (suffix !== undefined) return `must not end with the reserved suffix ${suffix}`;
  return undefined;
}

/** Throws InvalidBucketName unless `name` follows S3's bucket naming rules. */
export function validateBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem === undefined) return;
  throw new S3Error(
    'InvalidBucketName',
    `The specified bucket is not valid: the name ${problem}.`,
    {
      fields: { BucketName: name },
    },
  );
}
