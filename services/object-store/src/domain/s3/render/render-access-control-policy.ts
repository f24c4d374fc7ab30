import type { Owner } from '../types.ts';
import { element, renderXmlDocument, s3Root } from '../xml/xml-document.ts';
import { ownerElement } from './elements.ts';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * GetBucketAcl / GetObjectAcl: the owner with FULL_CONTROL, which is the only ACL this store
 * has (as in S3 with ACLs disabled, the default since 2023). s3cmd reads it before `info`
 * and `cp`.
 */
export function renderAccessControlPolicy(owner: Owner): string {
  return renderXmlDocument(
    s3Root('AccessControlPolicy', [
      ownerElement('Owner', owner),
      element('AccessControlList', [
        element('Grant', [
          element('Grantee', [element('ID', owner.id), element('DisplayName', owner.displayName)], {
            'xmlns:xsi': XSI,
            'xsi:type': 'CanonicalUser',
          }),
          element('Permission', 'FULL_CONTROL'),
        ]),
      ]),
    ]),
  );
}
