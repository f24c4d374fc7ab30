import type { Owner } from '../types.ts';
import { element, optional, renderXmlDocument, s3Root } from '../xml/xml-document.ts';
import { ownerElement } from './elements.ts';

export interface BucketSummary {
  readonly name: string;
  readonly creationDate: Date;
  readonly region?: string;
}

export interface ListBucketsResult {
  readonly owner: Owner;
  readonly buckets: readonly BucketSummary[];
  readonly continuationToken?: string;
  readonly prefix?: string;
}

/** ListBuckets (`GET /`): `ListAllMyBucketsResult`. */
export function renderListBuckets(result: ListBucketsResult): string {
  return renderXmlDocument(
    s3Root('ListAllMyBucketsResult', [
      ownerElement('Owner', result.owner),
      element(
        'Buckets',
        result.buckets.map((bucket) =>
          element('Bucket', [
            element('Name', bucket.name),
            element('CreationDate', bucket.creationDate),
            optional('BucketRegion', bucket.region),
          ]),
        ),
      ),
      optional('ContinuationToken', result.continuationToken),
      optional('Prefix', result.prefix),
    ]),
  );
}
