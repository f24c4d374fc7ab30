import { element, optional, renderXmlDocument, s3Root } from '../xml/xml-document.ts';

export interface DeletedKey {
  readonly key: string;
  /** The version deleted, when the request named one. */
  readonly versionId?: string;
  /** True when the delete created (or removed) a delete marker. */
  readonly deleteMarker?: boolean;
  readonly deleteMarkerVersionId?: string;
}

export interface FailedKey {
  readonly key: string;
  readonly versionId?: string;
  readonly code: string;
  readonly message: string;
}

/** DeleteObjects: `DeleteResult`. Quiet mode lists only the failures. */
export function renderDeleteResult(result: {
  readonly quiet: boolean;
  readonly deleted: readonly DeletedKey[];
  readonly errors: readonly FailedKey[];
}): string {
  const deleted = result.quiet ? [] : result.deleted;
  return renderXmlDocument(
    s3Root('DeleteResult', [
      ...deleted.map((entry) =>
        element('Deleted', [
          element('Key', entry.key),
          optional('VersionId', entry.versionId),
          entry.deleteMarker === true ? element('DeleteMarker', true) : undefined,
          optional('DeleteMarkerVersionId', entry.deleteMarkerVersionId),
        ]),
      ),
      ...result.errors.map((failure) =>
        element('Error', [
          element('Key', failure.key),
          optional('VersionId', failure.versionId),
          element('Code', failure.code),
          element('Message', failure.message),
        ]),
      ),
    ]),
  );
}
