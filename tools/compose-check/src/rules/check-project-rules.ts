import type { ComposeFile } from '../load-project.ts';
import type { Problem } from '../problem.ts';
import { checkDependencies } from './check-dependencies.ts';
import { checkHealthchecks } from './check-healthchecks.ts';
import { checkHostPorts } from './check-host-ports.ts';
import { checkImagePins } from './check-image-pins.ts';
import { checkMemoryLimits } from './check-memory-limits.ts';
import { checkUniqueNames } from './check-unique-names.ts';
import { serviceEntries } from './service-entries.ts';

/** The project's rules the compose schema cannot express, over all files at once. */
export function checkProjectRules(files: readonly ComposeFile[]): Problem[] {
  const services = serviceEntries(files);
  return [
    ...checkUniqueNames(services),
    ...checkHealthchecks(services),
    ...checkMemoryLimits(services),
    ...checkDependencies(services),
    ...checkImagePins(services),
    ...checkHostPorts(services),
  ];
}
