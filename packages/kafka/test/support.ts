// Shared helpers of the test files: a client for the real broker, fresh topics, and a reader
// that reads a topic to its current end under either isolation level.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { kafka as kafkaServer, uniqueName } from '@scale-models/testkit';
import { createKafka, ensureTopics, readToEnd } from '../src/index.ts';
import type { ConsumedMessage } from '../src/index.ts';

export async function testKafka(): Promise<{ kafka: Kafka; brokers: string[] }> {
  const { brokers } = await kafkaServer();
  return { kafka: createKafka({ brokers, clientId: uniqueName('kafka_test') }), brokers };
}

export async function createTopic(kafka: Kafka, base: string, partitions: number): Promise<string> {
  const topic = uniqueName(base);
  await ensureTopics(kafka, [{ topic, partitions }]);
  return topic;
}

/** Sum of the high watermarks: the number of records (data and markers) ever written. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Committed offsets of a group on a topic, by partition (-1 where nothing is committed). */
export async function committedOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(
      (result?.partitions ?? []).map(({ partition, offset }) => [partition, BigInt(offset)]),
    );
  } finally {
    await admin.disconnect();
  }
}

/** Reads every message of `topic` up to its end as of the call. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  { readUncommitted = false } = {},
): Promise<ConsumedMessage[]> {
  return readToEnd(kafka, topic, { readUncommitted, timeoutMs: 30_000 });
}

export interface Child {
  process: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts `node test/fixtures/<name>.ts` with `env` added to this process's environment. */
export function startFixture(name: string, env: Record<string, string>): Child {
  const path = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, [path], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { process: child, exited };
}
