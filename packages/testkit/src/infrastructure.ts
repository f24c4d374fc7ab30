import { container } from './containers.ts';
import { dockerEngineAnswers } from './docker-engine.ts';
import { InfrastructureUnavailableError } from './infrastructure-unavailable-error.ts';

export interface PostgresServer {
  /** Connection URL of a role allowed to create databases. */
  url: string;
}
export interface RedisServer {
  url: string;
}
export interface KafkaServer {
  brokers: string[];
}
export interface MqttServer {
  url: string;
}

/**
 * Each function answers where a real server is: the URL in the environment when set,
 * a testcontainers container when a Docker engine answers, else InfrastructureUnavailableError
 * (at once, never a hang).
 */
export async function postgres(): Promise<PostgresServer> {
  const url = await resolve(
    'PG_URL',
    'postgres',
    (host, port) => `postgres://scale:scale@${host}:${port}/scale`,
  );
  return { url };
}

export async function redis(): Promise<RedisServer> {
  return { url: await resolve('REDIS_URL', 'redis', (host, port) => `redis://${host}:${port}`) };
}

export async function kafka(): Promise<KafkaServer> {
  const brokers = await resolve('KAFKA_BROKERS', 'kafka', (host, port) => `${host}:${port}`);
  return { brokers: brokers.split(',').map((broker) => broker.trim()) };
}

export async function mqtt(): Promise<MqttServer> {
  return { url: await resolve('MQTT_URL', 'mqtt', (host, port) => `mqtt://${host}:${port}`) };
}

const CONTAINER_PORTS = { postgres: 5432, redis: 6379, kafka: 19092, mqtt: 1883 } as const;

async function resolve(
  variable: string,
  kind: keyof typeof CONTAINER_PORTS,
  address: (host: string, port: number) => string,
): Promise<string> {
  const fromEnvironment = process.env[variable];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  if (!(await dockerEngineAnswers())) throw new InfrastructureUnavailableError(variable);
  const started = await container(kind);
  return address(started.getHost(), started.getMappedPort(CONTAINER_PORTS[kind]));
}
