export { postgres, redis, kafka, mqtt } from './infrastructure.ts';
export type { PostgresServer, RedisServer, KafkaServer, MqttServer } from './infrastructure.ts';
export { InfrastructureUnavailableError } from './infrastructure-unavailable-error.ts';
export { createTestDatabase } from './test-database.ts';
export type { TestDatabase } from './test-database.ts';
export { uniqueName } from './unique-name.ts';
export { eventually } from './eventually.ts';
export { freePort } from './free-port.ts';
