import { loadComposeProject } from './load-project.ts';
import type { Problem } from './problem.ts';
import { checkProjectRules } from './rules/check-project-rules.ts';
import type { SchemaValidator } from './schema/create-schema-validator.ts';

/**
 * Checks a compose file and everything it includes: each file against the compose-spec
 * schema, then the project rules across all of them. Returns every problem found.
 */
export async function checkCompose(
  rootFile: string,
  validate: SchemaValidator,
): Promise<Problem[]> {
  const project = await loadComposeProject(rootFile);
  const schemaProblems = project.files.flatMap(({ file, document }) =>
    validate(document).map((error) => ({ file, ...error })),
  );
  return [...project.problems, ...schemaProblems, ...checkProjectRules(project.files)];
}
