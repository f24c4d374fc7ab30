// The load side of bench/latency.ts, in a process of its own so producing and reading never
// steal the engine's event loop: produces clicks at a steady rate with event time = creation
// time, reads the result topic with read_committed, and reports p50/p99 of (visible − reference)
// to the parent. Argument: the JSON of LoadSpec.
import { createKafka, parseCloudEvent } from '@scale-models/kafka';

export interface LoadSpec {
  brokers: string[];
  input: string;
  results: string;
  rate: number;
  warmupMs: number;
  measureMs: number;
  /** The result column latency is measured from: `ts` (event time) or `window_end`. */
  reference: string;
}

const TICK_MS = 10;
const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const kafka = createKafka({ brokers: spec.brokers, clientId: 'sp-bench-latency-load' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function produceSteadily(ms: number) {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < ms) {
    const due = Math.floor(((Date.now() - started) * spec.rate) / 1000) - sent;
    if (due > 0) {
      const ts = Date.now();
      const messages = Array.from({ length: due }, (_, i) => {
        const user = `u${(sent + i) % 50}`;
        const click = { user, page: '/', country: 'NL', amount: 1, ts };
        return { key: user, value: JSON.stringify(click) };
      });
      await producer.send({ topic: spec.input, acks: -1, messages });
      sent += due;
    }
    await sleep(TICK_MS);
  }
  await producer.disconnect();
}

const latencies: number[] = [];
const measureFrom = Date.now() + spec.warmupMs;
const reader = kafka.consumer({ groupId: `${spec.results}-reader`, maxWaitTimeInMs: 100 });
await reader.connect();
await reader.subscribe({ topics: [spec.results], fromBeginning: true });
await reader.run({
  eachBatch: ({ batch }) => {
    const visible = Date.now();
    for (const message of batch.messages) {
      const row = parseCloudEvent(message.value).data as Record<string, number>;
      const reference = row[spec.reference]!;
      if (reference >= measureFrom) latencies.push(visible - reference);
    }
    return Promise.resolve();
  },
});
await produceSteadily(spec.warmupMs + spec.measureMs);
await sleep(2_000);
await reader.disconnect();
const sorted = latencies.sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
process.send!({ count: sorted.length, p50: at(0.5), p99: at(0.99) });
