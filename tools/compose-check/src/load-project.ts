import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { Problem } from './problem.ts';

/** One parsed compose file of a project. */
export interface ComposeFile {
  /** The path as shown in problems: relative to the working directory. */
  file: string;
  absolutePath: string;
  document: Record<string, unknown>;
}

export interface ComposeProject {
  files: ComposeFile[];
  /** Files that could not be read or parsed, and includes that lead nowhere. */
  problems: Problem[];
}

/** Reads a compose file and, depth first, every file its `include:` list names. */
export async function loadComposeProject(rootFile: string): Promise<ComposeProject> {
  const project: ComposeProject = { files: [], problems: [] };
  const visited = new Set<string>();
  await load(resolve(rootFile), project, visited, undefined);
  return project;
}

interface IncludedBy {
  file: string;
  path: string;
}

async function load(
  absolutePath: string,
  project: ComposeProject,
  visited: Set<string>,
  includedBy: IncludedBy | undefined,
): Promise<void> {
  const file = displayPath(absolutePath);
  // Compose rejects include cycles; a file included twice would only repeat its problems.
  if (visited.has(absolutePath)) {
    if (includedBy) {
      project.problems.push({ ...includedBy, message: `includes ${file} a second time` });
    }
    return;
  }
  visited.add(absolutePath);

  let source: string;
  try {
    source = await readFile(absolutePath, 'utf8');
  } catch {
    project.problems.push(
      includedBy
        ? { ...includedBy, message: `included file ${file} does not exist` }
        : { file, path: '(file)', message: 'cannot read the file' },
    );
    return;
  }

  const parsed = parseDocument(source, { merge: true, prettyErrors: false });
  if (parsed.errors.length > 0) {
    for (const error of parsed.errors) {
      const line = error.linePos?.[0];
      const where = line ? `line ${line.line}, column ${line.col}` : '(file)';
      project.problems.push({ file, path: where, message: `invalid YAML: ${error.message}` });
    }
    return;
  }
  const document: unknown = parsed.toJS();
  if (!isRecord(document)) {
    project.problems.push({ file, path: '(root)', message: 'must be a mapping' });
    return;
  }
  project.files.push({ file, absolutePath, document });

  for (const include of includeEntries(document)) {
    const target = resolve(dirname(absolutePath), include.target);
    await load(target, project, visited, { file, path: include.path });
  }
}

interface IncludeEntry {
  path: string;
  target: string;
}

// `include:` items are a path, or `{ path: string | string[], env_file, project_directory }`.
// Shapes that fit neither are left to the schema check.
function includeEntries(document: Record<string, unknown>): IncludeEntry[] {
  const list = document.include;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown, i): IncludeEntry[] => {
    if (typeof item === 'string') return [{ path: `include.${i}`, target: item }];
    if (!isRecord(item)) return [];
    const paths: unknown = item.path;
    if (typeof paths === 'string') return [{ path: `include.${i}.path`, target: paths }];
    if (!Array.isArray(paths)) return [];
    return paths.flatMap((target: unknown, j) =>
      typeof target === 'string' ? [{ path: `include.${i}.path.${j}`, target }] : [],
    );
  });
}

function displayPath(absolutePath: string): string {
  const shown = relative(process.cwd(), absolutePath);
  return shown === '' ? absolutePath : shown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
