import { beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { uniqueName } from '@scale-models/testkit';
import { ensureTopics } from '../src/index.ts';
import { testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

describe('ensureTopics', () => {
  it('creates missing topics with their partitions and config, and is idempotent', async () => {
    const compacted = uniqueName('admin_compacted');
    const plain = uniqueName('admin_plain');
    const specs = [
      { topic: compacted, partitions: 3, config: { 'cleanup.policy': 'compact' } },
      { topic: plain, partitions: 2 },
    ];
    await ensureTopics(kafka, specs);
    await ensureTopics(kafka, specs);
    // An existing topic is left alone, even when asked for differently.
    await ensureTopics(kafka, [{ topic: plain, partitions: 5 }]);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [compacted, plain] });
      const partitions = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      expect(partitions).toEqual({ [compacted]: 3, [plain]: 2 });
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: compacted, configNames: ['cleanup.policy'] },
        ],
      });
      expect(resources[0]?.configEntries[0]?.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('accepts concurrent calls for the same topic', async () => {
    const topic = uniqueName('admin_race');
    await Promise.all([1, 2, 3].map(() => ensureTopics(kafka, [{ topic, partitions: 1 }])));
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toContain(topic);
    } finally {
      await admin.disconnect();
    }
  });
});
