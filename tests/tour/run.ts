// `pnpm demo`: the guided tour. Starts (or reuses) infrastructure, then plays every miniature's
// chapter. `--only <miniature>` plays one.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { discoverChapters } from './discover-chapters.ts';
import { ensureInfrastructure } from './infrastructure.ts';
import { runTour } from './run-tour.ts';
import { formatSummary, tourSucceeded } from './summary.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { only: { type: 'string' } } });

const env = await ensureInfrastructure(repoRoot);
console.log('Infrastructure ready: PostgreSQL, Redis, Kafka and Mosquitto answer.');
const chapters = (await discoverChapters(join(repoRoot, 'services'))).filter(
  ({ chapter }) => values.only === undefined || chapter.miniature === values.only,
);
const results = await runTour(chapters, {
  env,
  logDir: join(repoRoot, '.infra', 'logs'),
  renderer: process.stdout.isTTY ? 'default' : 'simple',
});
console.log(formatSummary(results));
process.exitCode = tourSucceeded(results) ? 0 : 1;
