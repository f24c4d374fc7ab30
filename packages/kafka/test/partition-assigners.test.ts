import { beforeAll, describe, expect, it } from 'vitest';
import { PartitionAssigners } from 'kafkajs';
import type { Kafka, PartitionAssigner } from 'kafkajs';
import { eventually, uniqueName } from '@scale-models/testkit';
import { runExactlyOncePipeline } from '../src/index.ts';
import { createTopic, testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

describe('exactly-once pipeline partition assigners', () => {
  it('lets the group use the assigners it is given', async () => {
    const input = await createTopic(kafka, 'assigners_in', 2);
    const topicsAssigned: string[][] = [];
    // kafkajs' round robin, watched: the pipeline's consumer must be using it.
    const watched: PartitionAssigner = (config) => {
      const inner = PartitionAssigners.roundRobin(config);
      return {
        ...inner,
        name: 'WatchedRoundRobin',
        assign: (group) => {
          topicsAssigned.push(group.topics);
          return inner.assign(group);
        },
        protocol: (subscription) => ({
          ...inner.protocol(subscription),
          name: 'WatchedRoundRobin',
        }),
      };
    };
    const assignments: Record<string, number[]>[] = [];
    const pipeline = await runExactlyOncePipeline({
      kafka,
      groupId: uniqueName('assigners_group'),
      inputTopics: [input],
      transactionalIdPrefix: uniqueName('assigners_txn'),
      partitionAssigners: [watched],
      transform: () => [],
      onAssignment: (assignment) => void assignments.push(assignment),
    });
    try {
      await eventually(() => expect(assignments.at(-1)?.[input]?.sort()).toEqual([0, 1]));
    } finally {
      await pipeline.stop();
    }
    expect(topicsAssigned).toContainEqual([input]);
  });
});
