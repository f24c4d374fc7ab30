/** One environment variable that is missing or invalid; `reason` never contains its value. */
export interface ConfigProblem {
  variable: string;
  reason: string;
}

/** Thrown at boot when the environment does not satisfy the service's config schema. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable} ${p.reason}`).join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
