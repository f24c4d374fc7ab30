// Usage: node tools/compose-check/src/bin/check.ts [compose files…] (default: docker-compose.yml)
// Prints each problem as `file: path: message`; exits 1 when there is any, 2 when it cannot run.
import { checkCompose } from '../check-compose.ts';
import { formatProblem } from '../problem.ts';
import { createSchemaValidator } from '../schema/create-schema-validator.ts';
import { loadComposeSchema } from '../schema/load-compose-schema.ts';

const files = process.argv.slice(2);
if (files.length === 0) files.push('docker-compose.yml');

try {
  const validate = createSchemaValidator(await loadComposeSchema());
  let problems = 0;
  for (const file of files) {
    for (const problem of await checkCompose(file, validate)) {
      console.error(formatProblem(problem));
      problems += 1;
    }
  }
  if (problems > 0) {
    console.error(`compose-check: ${problems} problem${problems === 1 ? '' : 's'}`);
    process.exitCode = 1;
  } else {
    console.log(`compose-check: ${files.join(', ')} and their includes are valid`);
  }
} catch (error) {
  console.error(`compose-check: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
