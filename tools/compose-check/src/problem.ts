/** One thing wrong with a compose file: where it is and what is wrong. */
export interface Problem {
  /** The compose file, as the user named it or as an include resolved it. */
  file: string;
  /** Dotted path inside the file (`services.kafka.healthcheck`), or `(file)` for the whole file. */
  path: string;
  message: string;
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}: ${problem.path}: ${problem.message}`;
}

/** Joins path segments the way compose reports them: `services.kafka.ports.0`. */
export function dotted(segments: readonly (string | number)[]): string {
  return segments.length === 0 ? '(root)' : segments.join('.');
}
