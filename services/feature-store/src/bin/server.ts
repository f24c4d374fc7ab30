import { createKafka, runConsumer } from '@scale-models/kafka';
import { createGrpcServer } from '@scale-models/grpc';
import { loadConfigOrExit, runService } from '@scale-models/service-kit';
import { createLogger } from '@scale-models/telemetry';
import { artifactStoreFromConfig } from '../adapters/artifact-store-from-config.ts';
import { ensurePushTopic, pushConsumerOptions } from '../adapters/push-consumer.ts';
import { startMaterializeSchedule } from '../adapters/materialize-schedule.ts';
import { GRPC_SERVER_OPTIONS, grpcServices } from '../api/grpc-services.ts';
import { buildApp } from '../app.ts';
import { ConfigSchema } from '../config.ts';
import { createFeatureStore } from '../feature-store.ts';
import { connect } from './connect.ts';

const config = loadConfigOrExit(ConfigSchema);
const logger = createLogger({ name: 'feature-store', level: config.LOG_LEVEL });
const { pool, redis } = await connect(config, 'feature-store');
const store = await createFeatureStore({
  pool,
  redis: redis.redis,
  artifacts: artifactStoreFromConfig(config),
  apiKeys: config.API_KEYS.split(','),
  batching: {
    maxBatchSize: config.MAX_BATCH_SIZE,
    maxQueueDelayMs: config.MAX_QUEUE_DELAY_MS,
    maxConcurrency: config.MODEL_CONCURRENCY,
  },
  refreshMs: config.REFRESH_MS,
  materializeBatchSize: config.MATERIALIZE_BATCH_SIZE,
  onError: (message, error) => logger.warn({ err: error }, message),
});

const schedule = startMaterializeSchedule(store, config.MATERIALIZE_INTERVAL_MS, logger);
const kafka =
  config.KAFKA_BROKERS === ''
    ? undefined
    : createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'feature-store' });
if (kafka !== undefined) await ensurePushTopic(kafka, config.PUSH_TOPIC);
const consumer =
  kafka === undefined
    ? undefined
    : await runConsumer(
        pushConsumerOptions(kafka, store.push, {
          topic: config.PUSH_TOPIC,
          groupId: config.PUSH_GROUP_ID,
        }),
      );

const grpc = createGrpcServer({
  services: grpcServices(store),
  log: logger,
  serverOptions: GRPC_SERVER_OPTIONS,
});
const grpcPort = await grpc.listen(`0.0.0.0:${config.GRPC_PORT}`);
logger.info({ port: grpcPort }, 'gRPC (KServe V2 and OnlineFeatures) listening');

const app = buildApp({ ...store, redisReady: redis.ready, logger: { level: config.LOG_LEVEL } });
await runService(app, {
  port: config.PORT,
  onShutdown: [
    { name: 'grpc', close: async () => void (await grpc.shutdown(5_000)) },
    { name: 'push consumer', close: async () => consumer?.stop() },
    { name: 'materialize schedule', close: () => schedule.stop() },
    { name: 'polls', close: () => Promise.resolve(store.stop()) },
    { name: 'redis', close: () => redis.close() },
    { name: 'postgres', close: () => pool.end() },
  ],
});
