import { readFileSync } from 'node:fs';

/**
 * Reads a Lua script kept next to the code that runs it:
 * `loadLua('./take.lua', import.meta.url)`. Synchronous because scripts are read once, at
 * module load, and a missing file should fail the boot.
 */
export function loadLua(relativePath: string, base: string | URL): string {
  return readFileSync(new URL(relativePath, base), 'utf8');
}
