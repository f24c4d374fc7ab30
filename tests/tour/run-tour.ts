import { Listr } from 'listr2';
import type { TourContext } from './chapter.ts';
import type { DiscoveredChapter } from './discover-chapters.ts';
import { startProcesses } from './tour-processes.ts';

export interface StepResult {
  title: string;
  ok: boolean;
  /** What the step returned, or the error message when it failed. */
  outcome: string;
  durationMs: number;
}

export interface ChapterResult {
  miniature: string;
  title: string;
  steps: StepResult[];
}

export interface TourOptions {
  env: Record<string, string>;
  logDir: string;
  /** listr2 renderer: `default` on a terminal, `simple` in logs, `silent` in tests. */
  renderer: 'default' | 'simple' | 'silent';
}

/**
 * Runs each chapter in turn: starts (or reuses) its processes, plays its steps with progress
 * output, stops what it started. A failed step is reported and its chapter ends; the tour goes on.
 */
export async function runTour(
  chapters: DiscoveredChapter[],
  options: TourOptions,
): Promise<ChapterResult[]> {
  const results: ChapterResult[] = [];
  for (const { chapter, directory } of chapters) {
    const result: ChapterResult = { miniature: chapter.miniature, title: chapter.title, steps: [] };
    results.push(result);
    const urls = new Map(chapter.processes.map((process) => [process.name, process.url]));
    const starting = timed('start processes', () =>
      startProcesses(chapter.processes, {
        cwd: directory,
        env: options.env,
        logDir: options.logDir,
      }),
    );
    const { step: start, value: running } = await starting;
    if (running === undefined) {
      result.steps.push(start);
      continue;
    }
    const context: TourContext = {
      env: options.env,
      url: (name) => urls.get(name) ?? missingProcess(chapter.miniature, name),
      stop: (name) => running.stopProcess(name),
      start: (name) => running.startProcess(name),
    };
    const tasks = new Listr(
      [
        {
          title: `${chapter.miniature}: ${chapter.title}`,
          task: (_, task) =>
            task.newListr(
              chapter.steps.map((step) => ({
                title: step.title,
                task: async (_ctx, subtask) => {
                  const { step: outcome } = await timed(step.title, () => step.run(context));
                  result.steps.push(outcome);
                  if (!outcome.ok) throw new Error(outcome.outcome);
                  if (outcome.outcome !== '') subtask.title = `${step.title}: ${outcome.outcome}`;
                },
              })),
              { exitOnError: true },
            ),
        },
      ],
      { renderer: options.renderer, exitOnError: false, registerSignalListeners: false },
    );
    try {
      await tasks.run();
    } finally {
      await running.stop();
    }
  }
  return results;
}

/** Runs one piece of the tour, catching its failure into a StepResult. */
async function timed<T>(
  title: string,
  run: () => Promise<T> | T,
): Promise<{ step: StepResult; value: T | undefined }> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    const value = await run();
    const outcome = typeof value === 'string' ? value : '';
    return { step: { title, ok: true, outcome, durationMs: elapsed() }, value };
  } catch (error) {
    const outcome = error instanceof Error ? error.message : String(error);
    return { step: { title, ok: false, outcome, durationMs: elapsed() }, value: undefined };
  }
}

function missingProcess(miniature: string, name: string): never {
  throw new Error(`${miniature} has no tour process named ${name}`);
}
