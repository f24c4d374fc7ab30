import { AssignerProtocol } from 'kafkajs';
import type { PartitionAssigner } from 'kafkajs';

/**
 * Gives partition p of every topic the group reads to the same member (p modulo the members,
 * in member id order), so the task of partition p finds partition p of its stream and of its
 * table in one process. kafkajs' round robin spreads topic-partitions one by one and would
 * split them; Kafka Streams' own assignor co-partitions the same way.
 */
export const copartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'StreamProcessorCopartitioned',
  version: 1,
  assign({ members, topics }) {
    const memberIds = members.map(({ memberId }) => memberId).sort();
    const assignment = new Map<string, Record<string, number[]>>(memberIds.map((id) => [id, {}]));
    for (const topic of topics) {
      for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
        const owner = assignment.get(memberIds[partitionId % memberIds.length]!)!;
        (owner[topic] ??= []).push(partitionId);
      }
    }
    return Promise.resolve(
      [...assignment].map(([memberId, partitions]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: partitions,
          userData: Buffer.alloc(0),
        }),
      })),
    );
  },
  protocol: ({ topics }) => ({
    name: 'StreamProcessorCopartitioned',
    metadata: AssignerProtocol.MemberMetadata.encode({
      version: 1,
      topics,
      userData: Buffer.alloc(0),
    }),
  }),
});
