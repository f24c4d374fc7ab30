import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Chapter } from './chapter.ts';

export interface DiscoveredChapter {
  chapter: Chapter;
  /** The miniature's folder; its processes run from here. */
  directory: string;
}

interface Manifest {
  scaleModels?: { tour?: string };
}

/** Loads the chapter of every miniature under `servicesDir` that declares one, in folder order. */
export async function discoverChapters(servicesDir: string): Promise<DiscoveredChapter[]> {
  if (!existsSync(servicesDir)) return [];
  const found: DiscoveredChapter[] = [];
  for (const name of readdirSync(servicesDir).sort()) {
    const directory = resolve(servicesDir, name);
    const manifestPath = join(directory, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const tour = (JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest).scaleModels?.tour;
    if (tour === undefined) continue;
    const module = (await import(pathToFileURL(join(directory, tour)).href)) as {
      default: Chapter;
    };
    found.push({ chapter: module.default, directory });
  }
  return found;
}
