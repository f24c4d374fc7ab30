import type { OutputMessage } from '@scale-models/kafka';
import type { StreamRecord } from '../domain/record.ts';

/**
 * What travels on a repartition topic: records keyed by their new key (so the default
 * partitioner sends each key to one partition), and each upstream task's watermark, sent to
 * every partition (as Flink broadcasts watermarks), both stamped with the upstream partition.
 */
export type Repartitioned =
  | { kind: 'record'; source: string; record: StreamRecord }
  | { kind: 'watermark'; source: string; watermark: number };

interface Envelope {
  source: string;
  time?: number;
  row?: StreamRecord['row'];
  watermark?: number;
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
  const value = JSON.stringify({ source: String(source), watermark } satisfies Envelope);
  return Array.from({ length: partitions }, (_, partition) => ({ topic, partition, value }));
}

/** Written by this engine's own upstream tasks in committed transactions: trusted, no poison. */
export function readRepartitioned(key: string | null, value: Buffer | null): Repartitioned {
  const envelope = JSON.parse(value!.toString('utf8')) as Envelope;
  if (envelope.watermark !== undefined) {
    return { kind: 'watermark', source: envelope.source, watermark: envelope.watermark };
  }
  return {
    kind: 'record',
    source: envelope.source,
    record: { key: key ?? '', time: envelope.time!, row: envelope.row! },
  };
}
