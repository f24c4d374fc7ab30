import type { IHeaders, KafkaMessage } from 'kafkajs';

/** A message as handlers see it: key and headers as strings, the value left as bytes. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker timestamp, milliseconds since the epoch. */
  timestamp: number;
}

export function toConsumedMessage(
  topic: string,
  partition: number,
  message: KafkaMessage,
): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString(),
    value: message.value,
    headers: headersAsStrings(message.headers),
    timestamp: Number(message.timestamp),
  };
}

// A header may repeat; the last value wins, as in most HTTP-style readers.
function headersAsStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) result[name] = last.toString();
  }
  return result;
}
