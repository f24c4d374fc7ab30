import { relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Problem, SchemaValidator } from '../src/index.ts';
import { checkCompose, createSchemaValidator, loadComposeSchema } from '../src/index.ts';

const fixturesDir = resolve(import.meta.dirname, 'fixtures');
const fixture = (name: string) => resolve(fixturesDir, name);
// Problems name files as the user would type them: relative to the working directory.
const shown = (name: string) => relative(process.cwd(), fixture(name));

let validate: SchemaValidator;
beforeAll(async () => {
  // The real pinned compose-spec schema (downloaded once, then cached).
  validate = createSchemaValidator(await loadComposeSchema());
});

const check = (name: string): Promise<Problem[]> => checkCompose(fixture(name), validate);

describe('checkCompose on the repository', () => {
  it('finds no problem in docker-compose.yml and the files it includes', async () => {
    const root = resolve(import.meta.dirname, '../../../docker-compose.yml');
    expect(await checkCompose(root, validate)).toEqual([]);
  });
});

describe('checkCompose on fixtures', () => {
  it('accepts a clean project and follows its include relative to the including file', async () => {
    expect(await check('valid/compose.yaml')).toEqual([]);
  });

  it('rejects a key the compose spec does not define', async () => {
    expect(await check('unknown-key.yml')).toEqual([
      {
        file: shown('unknown-key.yml'),
        path: 'services.web.restart_policy',
        message: 'unknown key (not in the compose specification)',
      },
    ]);
  });

  it('rejects a value of the wrong type', async () => {
    expect(await check('wrong-type.yml')).toEqual([
      {
        file: shown('wrong-type.yml'),
        path: 'services.web.healthcheck.interval',
        message: 'must be a string',
      },
    ]);
  });

  it('rejects services without a health check, including a disabled one', async () => {
    const problems = await check('missing-healthcheck.yml');
    expect(problems.map((p) => `${p.file}: ${p.path}`)).toEqual([
      `${shown('missing-healthcheck.yml')}: services.web`,
      `${shown('missing-healthcheck.yml')}: services.worker`,
    ]);
    expect(problems[0]?.message).toMatch(/has no healthcheck/);
  });

  it('rejects a service without a memory limit', async () => {
    expect(await check('missing-memory-limit.yml')).toEqual([
      {
        file: shown('missing-memory-limit.yml'),
        path: 'services.web',
        message: 'has no memory limit (set mem_limit or deploy.resources.limits.memory)',
      },
    ]);
  });

  it('rejects dangling depends_on targets and service_healthy targets without a health check', async () => {
    const file = shown('dangling-depends-on.yml');
    const problems = await check('dangling-depends-on.yml');
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          file,
          path: 'services.web.depends_on.0',
          message: 'depends on "cache", which no compose file of the project defines',
        },
        {
          file,
          path: 'services.api.depends_on.queue',
          message: 'depends on "queue", which no compose file of the project defines',
        },
        {
          file,
          path: 'services.api.depends_on.sidecar',
          message: `waits for "sidecar" to be healthy, but it has no healthcheck (${file})`,
        },
      ]),
    );
    // web has a health check, so waiting for it is fine; sidecar's own missing check is reported too.
    expect(problems.filter((p) => p.path === 'services.api.depends_on.web')).toEqual([]);
    expect(problems).toHaveLength(4);
  });

  it('rejects untagged and latest images, and accepts tags, digests and builds', async () => {
    const file = shown('unpinned-image.yml');
    expect(await check('unpinned-image.yml')).toEqual([
      {
        file,
        path: 'services.untagged.image',
        message: 'image "nginx" has no tag (pin a version)',
      },
      {
        file,
        path: 'services.latest.image',
        message: 'image "localhost:5000/team/app:latest" uses "latest" (pin a version)',
      },
      {
        file,
        path: 'services.registry-port-only.image',
        message: 'image "localhost:5000/team/app" has no tag (pin a version)',
      },
    ]);
  });

  it('rejects a host port published twice, across an include', async () => {
    expect(await check('dup-port/compose.yaml')).toEqual([
      {
        file: shown('dup-port/services/demo/compose.yaml'),
        path: 'services.demo.ports.0',
        message: `host port 3000/tcp is already published by services.grafana.ports.0 (${shown('dup-port/compose.yaml')})`,
      },
    ]);
  });

  it('rejects an include whose file does not exist', async () => {
    expect(await check('missing-include.yml')).toEqual([
      {
        file: shown('missing-include.yml'),
        path: 'include.0',
        message: `included file ${shown('services/nowhere/compose.yaml')} does not exist`,
      },
    ]);
  });

  it('validates an included file and names it in the problem', async () => {
    expect(await check('broken-include/compose.yaml')).toEqual([
      {
        file: shown('broken-include/services/demo/compose.yaml'),
        path: 'services.demo.portz',
        message: 'unknown key (not in the compose specification)',
      },
    ]);
  });
});
