/** Thrown when a test asks for a server that neither the environment nor Docker can give. */
export class InfrastructureUnavailableError extends Error {
  constructor(variable: string) {
    super(
      `${variable} is not set and no Docker engine answers, so there is no real server to test against.\n` +
        'Start local infrastructure and export its URLs:\n' +
        '  scripts/infra/up && source .infra/env\n' +
        'or run `make test`, which does both.',
    );
    this.name = 'InfrastructureUnavailableError';
  }
}
