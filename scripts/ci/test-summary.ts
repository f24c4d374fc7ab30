// Sums vitest's JSON reports (one per workspace package, written by vitest.shared.ts) into the
// one line CI ends with. A package with tests but no report counts as a failure: its run crashed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
}

const root = join(import.meta.dirname, '..', '..');
const packageDirs = ['packages', 'services', 'tools']
  .flatMap((group) => listDirs(join(root, group)))
  .concat(join(root, 'tests'));

let passed = 0;
let failed = 0;
for (const dir of packageDirs.filter(hasTests)) {
  const reportPath = join(dir, 'test-results', 'vitest.json');
  if (!existsSync(reportPath)) {
    console.error(`no test report in ${dir}: its test run did not finish`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as VitestReport;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;

function listDirs(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(path, entry.name));
}

function hasTests(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  const scripts = (
    JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string> }
  ).scripts;
  return scripts?.test !== undefined;
}
