/**
 * The pinned compose-spec schema: the one docker compose itself validates with, taken from the
 * compose-go module (github.com/compose-spec/compose-go/v2, file schema/compose-spec.json)
 * through the Go module proxy, which serves immutable, checksummed module versions.
 * To move to a newer version: pick one from https://proxy.golang.org/<module>/@v/list, change
 * the version, run the check (the mismatch error prints the new digest), review the schema
 * diff, then update the digest.
 */
export const COMPOSE_GO_VERSION = 'v2.16.2';
export const COMPOSE_SPEC_SHA256 =
  'f266dcbb043229405d7cedd5aec918f9102c2b3d5e3850808fdd8edd564a43ff';

const MODULE = 'github.com/compose-spec/compose-go/v2';

export function moduleZipUrl(version: string = COMPOSE_GO_VERSION): string {
  return `https://proxy.golang.org/${MODULE}/@v/${version}.zip`;
}

/** Path of the schema inside the module zip (`<module>@<version>/<file>`). */
export function schemaEntryName(version: string = COMPOSE_GO_VERSION): string {
  return `${MODULE}@${version}/schema/compose-spec.json`;
}
