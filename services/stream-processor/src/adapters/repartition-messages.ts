import type { OutputMessage } from '@scale-models/kafka';
import type { StreamRecord } from '../domain/record.ts';

/**
 * What travels on a repartition topic: records keyed by their new key (so the default
 * partitioner sends each key to one partition), and each upstream task's watermark, or its
 * announcement that its input went quiet, sent to every partition (as Flink broadcasts
 * watermarks and idleness), all stamped with the upstream partition.
 */
export type Repartitioned =
  | { kind: 'record'; source: string; record: StreamRecord }
  | { kind: 'watermark'; source: string; watermark: number }
  | { kind: 'idle'; source: string };

interface Envelope {
  source: string;
  time?: number;
  row?: StreamRecord['row'];
  watermark?: number;
  idle?: true;
}

export function repartitionedRecord(
  topic: string,
  source: number,
  record: StreamRecord,
): OutputMessage {
  const envelope: Envelope = { source: String(source), time: record.time, row: record.row };
  return { topic, key: record.key, value: JSON.stringify(envelope) };
}

/** The upstream task's watermark, once to each partition of the repartition topic. */
export function watermarkMessages(
  topic: string,
  partitions: number,
  source: number,
  watermark: number,
): OutputMessage[] {
  return broadcast(topic, partitions, { source: String(source), watermark });
}

/** The upstream partition has gone quiet: leave it out of the minimum until it sends again. */
export function idleMessages(topic: string, partitions: number, source: number): OutputMessage[] {
  return broadcast(topic, partitions, { source: String(source), idle: true });
}

function broadcast(topic: string, partitions: number, envelope: Envelope): OutputMessage[] {
  const value = JSON.stringify(envelope);
  return Array.from({ length: partitions }, (_, partition) => ({ topic, partition, value }));
}

/** Written by this engine's own upstream tasks: trusted, no poison. */
export function readRepartitioned(key: string | null, value: Buffer | null): Repartitioned {
  const envelope = JSON.parse(value!.toString('utf8')) as Envelope;
  if (envelope.idle === true) return { kind: 'idle', source: envelope.source };
  if (envelope.watermark !== undefined) {
    return { kind: 'watermark', source: envelope.source, watermark: envelope.watermark };
  }
  return {
    kind: 'record',
    source: envelope.source,
    record: { key: key ?? '', time: envelope.time!, row: envelope.row! },
  };
}
