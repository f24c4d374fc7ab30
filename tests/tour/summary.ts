import Table from 'cli-table3';
import type { ChapterResult } from './run-tour.ts';

/** The table printed at the end of the tour: one row per chapter. */
export function formatSummary(results: ChapterResult[]): string {
  if (results.length === 0) {
    return 'No miniature has a tour chapter yet; infrastructure is up and ready for the first one.';
  }
  const table = new Table({
    head: ['miniature', 'chapter', 'steps passed', 'time', 'first failure'],
  });
  for (const result of results) {
    const passed = result.steps.filter((step) => step.ok).length;
    const failure = result.steps.find((step) => !step.ok);
    const seconds = result.steps.reduce((sum, step) => sum + step.durationMs, 0) / 1000;
    table.push([
      result.miniature,
      result.title,
      `${passed}/${result.steps.length}`,
      `${seconds.toFixed(1)} s`,
      failure === undefined ? '' : `${failure.title}: ${failure.outcome}`,
    ]);
  }
  return table.toString();
}

export function tourSucceeded(results: ChapterResult[]): boolean {
  return results.every((result) => result.steps.every((step) => step.ok));
}
