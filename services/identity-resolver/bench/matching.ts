// Probabilistic matching throughput and blocking efficiency (pure CPU, no infrastructure):
//   node bench/matching.ts [--sizes 5000,50000]   (people; about 2 records per person)
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { linkRecords } from '../src/domain/matching/link-records.ts';
import { generateRecords } from './accuracy/generate-people.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '5000,50000' } } });
const table = new Table({
  style: { head: [], border: [] },
  head: [
    'records',
    'candidate pairs',
    'all pairs',
    'compared',
    'EM iterations',
    'time',
    'records/s',
    'peak rss',
  ],
});
for (const people of values.sizes.split(',').map(Number)) {
  const records = generateRecords({ people, corruption: 0.2, seed: 1 });
  const started = performance.now();
  const result = linkRecords(records);
  const seconds = (performance.now() - started) / 1000;
  table.push([
    records.length,
    result.comparisons,
    result.allPairs.toExponential(2),
    `${((100 * result.comparisons) / result.allPairs).toFixed(4)}%`,
    result.emIterations,
    `${seconds.toFixed(2)} s`,
    Math.round(records.length / seconds),
    `${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  ]);
}
console.log(table.toString());
