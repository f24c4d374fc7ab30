import { Kafka, logLevel } from 'kafkajs';
import { expect, it } from 'vitest';
import { startKafkaBroker } from '../src/kafka-broker.ts';

it('starts a private broker that keeps acknowledged records across a crash and a restart on the same port', async () => {
  const broker = await startKafkaBroker();
  const kafka = new Kafka({
    brokers: broker.brokers,
    clientId: 'testkit',
    logLevel: logLevel.NOTHING,
  });
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kept', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'kept', acks: -1, messages: [{ value: 'acknowledged' }] });
    await producer.disconnect();

    await broker.stop('SIGKILL');
    await broker.restart();

    const consumer = kafka.consumer({ groupId: 'reader' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['kept'], fromBeginning: true });
    const first = new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => Promise.resolve(resolve(String(message.value))),
      });
    });
    expect(await first).toBe('acknowledged');
    await consumer.disconnect();
  } finally {
    await broker.stop();
  }
}, 240_000);
