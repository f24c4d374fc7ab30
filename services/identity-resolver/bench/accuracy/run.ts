// Accuracy of probabilistic matching against known truth.
//   node bench/accuracy/run.ts [--people 5000] [--rates 0,0.1,0.2,0.3,0.4,0.5] [--seed 42]
//   node bench/accuracy/run.ts --csv records.csv --truth entity_id
// Synthetic mode sweeps the corruption rate to show where accuracy falls off; CSV mode
// scores any labelled record-linkage file (a header row, a ground-truth entity id column).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { linkRecords } from '../../src/domain/matching/link-records.ts';
import type { MatchRecord } from '../../src/domain/matching/match-record.ts';
import { parseRecordsCsv } from '../../src/domain/matching/parse-records-csv.ts';
import { generateRecords } from './generate-people.ts';
import { scoreLinkage } from './score-linkage.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '5000' },
    rates: { type: 'string', default: '0,0.1,0.2,0.3,0.4,0.5' },
    seed: { type: 'string', default: '42' },
    csv: { type: 'string' },
    truth: { type: 'string', default: 'entity_id' },
  },
});

const table = new Table({
  style: { head: [], border: [] },
  head: [
    'data',
    'records',
    'comparisons',
    'of all pairs',
    'link P',
    'link R',
    'link F1',
    'cluster P',
    'cluster R',
    'cluster F1',
    'review',
    'records/s',
  ],
});
const fixed = (n: number) => n.toFixed(4);

function evaluate(label: string, records: MatchRecord[], truth: Map<string, string>): void {
  const started = performance.now();
  const result = linkRecords(records);
  const seconds = (performance.now() - started) / 1000;
  const { pairwise, cluster } = scoreLinkage(
    truth,
    result.matches.map(({ a, b }) => [a, b]),
    result.clusters,
  );
  table.push([
    label,
    records.length,
    result.comparisons,
    `${((100 * result.comparisons) / result.allPairs).toFixed(3)}%`,
    fixed(pairwise.precision),
    fixed(pairwise.recall),
    fixed(pairwise.f1),
    fixed(cluster.precision),
    fixed(cluster.recall),
    fixed(cluster.f1),
    result.reviews.length,
    Math.round(records.length / seconds),
  ]);
}

if (values.csv !== undefined) {
  const { records, truth } = parseRecordsCsv(readFileSync(values.csv, 'utf8'), values.truth);
  evaluate(values.csv, records, truth);
} else {
  for (const rate of values.rates.split(',').map(Number)) {
    const records = generateRecords({
      people: Number(values.people),
      corruption: rate,
      seed: Number(values.seed),
    });
    evaluate(
      `synthetic, corruption ${rate}`,
      records,
      new Map(records.map((r) => [r.id, r.personId])),
    );
  }
}
console.log(table.toString());
