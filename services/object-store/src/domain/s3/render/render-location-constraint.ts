import { element, renderXmlDocument, S3_XMLNS } from '../xml/xml-document.ts';

/**
 * GetBucketLocation: the bucket's region as `LocationConstraint`, empty for us-east-1 (S3's
 * historical answer, which clients map back to us-east-1).
 */
export function renderLocationConstraint(region: string): string {
  const text = region === 'us-east-1' ? '' : region;
  return renderXmlDocument(element('LocationConstraint', text, { xmlns: S3_XMLNS }));
}
