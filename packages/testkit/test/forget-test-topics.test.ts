import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import setup from '../src/forget-test-topics.ts';
import { NAMES_FILE_VARIABLE } from '../src/unique-name.ts';
import { kafka, uniqueName } from '../src/index.ts';

describe('the run teardown', () => {
  it("deletes the topics named after the run's unique names, and no other", async () => {
    const admin = new Kafka({
      brokers: (await kafka()).brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const outer = process.env[NAMES_FILE_VARIABLE];
    const teardown = setup();
    const ours = uniqueName('forget_me');
    const theirs = `forget_not_${randomBytes(5).toString('hex')}`;
    try {
      await admin.createTopics({
        topics: [ours, `${ours}.dlq`, theirs].map((topic) => ({ topic })),
        waitForLeaders: true,
      });
      await teardown();
      const left = await admin.listTopics();
      expect(left).not.toContain(ours);
      expect(left).not.toContain(`${ours}.dlq`);
      expect(left).toContain(theirs);
    } finally {
      if (outer === undefined) delete process.env[NAMES_FILE_VARIABLE];
      else process.env[NAMES_FILE_VARIABLE] = outer;
      await admin.deleteTopics({ topics: [theirs] });
      await admin.disconnect();
    }
  });
});
