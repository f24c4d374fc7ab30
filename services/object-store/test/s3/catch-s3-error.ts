import { S3Error } from '../../src/domain/s3-error.ts';

/** The S3Error `run` throws (failing the test if it throws anything else or nothing). */
export function catchS3Error(run: () => unknown): S3Error {
  try {
    run();
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('expected an S3Error');
}
