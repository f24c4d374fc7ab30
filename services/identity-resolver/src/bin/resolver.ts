import { createServer } from 'node:http';
import { runConsumer } from '@scale-models/kafka';
import { createOutboxRelay } from '@scale-models/postgres';
import { loadConfigOrExit } from '@scale-models/service-kit';
import { createLogger } from '@scale-models/telemetry';
import { openStores } from '../adapters/open-stores.ts';
import { resolveEvent } from '../adapters/resolve-event.ts';
import { ConfigSchema } from '../config.ts';

const config = loadConfigOrExit(ConfigSchema);
const logger = createLogger({ name: 'identity-resolver-resolver', level: config.LOG_LEVEL });
const stores = await openStores(config, 'identity-resolver-resolver');
const relay = createOutboxRelay({ pool: stores.pool, producer: stores.producer });
relay.start();
stores.projector.start(config.PROJECTION_SWEEP_MS);

const consumer = await runConsumer({
  kafka: stores.kafka,
  groupId: config.CONSUMER_GROUP,
  topics: [stores.contracts.eventReceived.topic],
  retry: { attempts: 5, backoffMs: 200 },
  handle: async (message) => {
    const { data } = stores.contracts.eventReceived.decode(message.value);
    const outcome = await resolveEvent(stores.pool, stores.settings, data);
    if (outcome.status === 'resolved') await stores.projector.project(outcome.touched);
    else logger.debug({ status: outcome.status, messageId: data.messageId }, 'event not applied');
  },
});

// Liveness and readiness for the tour and compose, on PORT (the consumer serves no API).
const health = createServer((request, response) => {
  response.writeHead(request.url === '/healthz' || request.url === '/readyz' ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ status: 'ok' }));
}).listen(config.PORT);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  health.close();
  await consumer.stop();
  await relay.stop();
  await stores.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
logger.info({ topic: stores.contracts.eventReceived.topic, group: config.CONSUMER_GROUP }, 'resolver consuming');
