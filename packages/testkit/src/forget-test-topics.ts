// vitest global setup (vitest.shared.ts): a run's tests name their Kafka topics with
// uniqueName, which writes each name to a file of the run's; the teardown deletes every topic
// whose name contains one of them. A broker that kept every run's topics (about 460 per
// `make test`) ran out of file descriptors after a few dozen runs.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafka } from './infrastructure.ts';
import { NAMES_FILE_VARIABLE } from './unique-name.ts';

export default function setup(): () => Promise<void> {
  const namesFile = join(tmpdir(), `scale-models-test-names-${randomBytes(6).toString('hex')}`);
  // Workers and the processes tests start inherit it.
  process.env[NAMES_FILE_VARIABLE] = namesFile;
  return async () => {
    try {
      await deleteTopicsNamedAfter(namesWritten(namesFile));
    } catch (error) {
      // Housekeeping: the run's results stand; the topics stay until the next reset.
      console.warn(`could not delete this run's Kafka topics: ${String(error)}`);
    } finally {
      rmSync(namesFile, { force: true });
    }
  };
}

function namesWritten(namesFile: string): string[] {
  try {
    return readFileSync(namesFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    return []; // no test asked for a name
  }
}

/** Only on a broker named in the environment: a testcontainers broker goes with its run. */
async function deleteTopicsNamedAfter(names: string[]): Promise<void> {
  const named = process.env.KAFKA_BROKERS;
  if (names.length === 0 || named === undefined || named === '') return;
  const { brokers } = await kafka();
  const admin = new Kafka({
    clientId: 'test-teardown',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) =>
      names.some((name) => topic.includes(name)),
    );
    for (let i = 0; i < topics.length; i += 100)
      await admin.deleteTopics({ topics: topics.slice(i, i + 100), timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}
