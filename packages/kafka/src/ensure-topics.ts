import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, ITopicConfig, Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Topic-level configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  config?: Record<string, string>;
}

const LEADER_WAIT_MS = 30_000;
const LEADER_POLL_MS = 100;

/**
 * Creates the topics that do not exist yet; existing ones are left as they are, so running
 * it at every start is safe. Returns once every partition of every topic has a leader.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic)).map(toTopicConfig);
    if (missing.length === 0) return;
    // Another process may create the same topics between list and create: when all of them
    // already exist, kafkajs answers `false` instead of throwing.
    await admin.createTopics({ topics: missing, waitForLeaders: false });
    await waitForLeaders(
      admin,
      missing.map(({ topic }) => topic),
    );
  } finally {
    await admin.disconnect();
  }
}

// kafkajs' own `waitForLeaders` retries only LEADER_NOT_AVAILABLE, but a Kafka 4 broker first
// answers UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created: poll metadata instead.
async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (;;) {
    const ready = await allLeadersElected(admin, topics).catch(() => false);
    if (ready) return;
    if (Date.now() > deadline) {
      throw new Error(`topics ${topics.join(', ')} have no leader after ${LEADER_WAIT_MS} ms`);
    }
    await sleep(LEADER_POLL_MS);
  }
}

async function allLeadersElected(admin: Admin, topics: string[]): Promise<boolean> {
  const metadata = await admin.fetchTopicMetadata({ topics });
  return metadata.topics.every(
    ({ partitions }) => partitions.length > 0 && partitions.every(({ leader }) => leader >= 0),
  );
}

function toTopicConfig({ topic, partitions, config = {} }: TopicSpec): ITopicConfig {
  return {
    topic,
    numPartitions: partitions,
    // No replication factor: the broker's default applies (1 on a laptop, 3 in a cluster).
    configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
  };
}
