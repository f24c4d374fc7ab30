import { createServer } from 'node:http';
import { loadConfigOrExit } from '@scale-models/service-kit';
import { createLogger } from '@scale-models/telemetry';
import { openStores } from '../adapters/open-stores.ts';
import { startResolver } from '../adapters/start-resolver.ts';
import { ConfigSchema } from '../config.ts';

const config = loadConfigOrExit(ConfigSchema);
const logger = createLogger({ name: 'identity-resolver-resolver', level: config.LOG_LEVEL });
const stores = await openStores(config, 'identity-resolver-resolver');
const resolver = await startResolver(stores, {
  groupId: config.CONSUMER_GROUP,
  sweepIntervalMs: config.PROJECTION_SWEEP_MS,
  segmentClockMs: config.SEGMENT_CLOCK_MS,
  partitionsConcurrently: config.RESOLVER_CONCURRENCY,
  logger,
});

// Liveness and readiness for the tour and compose on PORT: the resolver serves no API.
const health = createServer((request, response) => {
  const known = request.url === '/healthz' || request.url === '/readyz';
  response.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify(known ? { status: 'ok' } : { code: 'route.not_found' }));
}).listen(config.PORT);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  health.close();
  await resolver.stop();
  await stores.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
logger.info(
  { topic: stores.contracts.eventReceived.topic, group: config.CONSUMER_GROUP },
  'resolver consuming',
);
