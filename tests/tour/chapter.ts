// A miniature's chapter of the guided tour: the processes it needs and a scripted scenario.
// A miniature names its chapter in its package.json: `"scaleModels": { "tour": "./tour/chapter.ts" }`,
// and the chapter module default-exports `defineChapter({...})`.

export interface TourProcess {
  /** Short name, used for its log file and in `context.url(name)`. */
  name: string;
  /** Arguments to `node`, relative to the miniature's folder, e.g. `['src/bin/gateway.ts']`. */
  args: string[];
  env?: Record<string, string>;
  /** Base URL the process serves; the tour waits for `<url>/readyz` and reuses a process already there. */
  url: string;
}

export interface TourContext {
  /** Infrastructure URLs: PG_URL, REDIS_URL, KAFKA_BROKERS, MQTT_URL. */
  env: Record<string, string>;
  /** Base URL of one of the chapter's processes. */
  url(processName: string): string;
  /** Stops one of the chapter's processes (SIGTERM), to show what the miniature does without it. */
  stop(processName: string): Promise<void>;
  /** Starts a stopped process again and waits until it is ready. */
  start(processName: string): Promise<void>;
}

export interface TourStep {
  title: string;
  /** Does one thing of the scenario and returns what a watcher should see, e.g. `6 shards written`. */
  run(context: TourContext): Promise<string | void> | string | void;
}

export interface Chapter {
  miniature: string;
  title: string;
  processes: TourProcess[];
  steps: TourStep[];
}

export function defineChapter(chapter: Chapter): Chapter {
  return chapter;
}
