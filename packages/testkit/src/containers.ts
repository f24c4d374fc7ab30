import type { StartedTestContainer } from 'testcontainers';

// Same versions as docker-compose.yml and scripts/infra, so both paths test the same servers.
const IMAGES = {
  postgres: 'postgres:17-alpine',
  redis: 'redis:7-alpine',
  kafka: 'apache/kafka:4.1.1',
  mqtt: 'eclipse-mosquitto:2',
} as const;

type Kind = keyof typeof IMAGES;

const started = new Map<Kind, Promise<StartedTestContainer>>();

/** Starts (once per test process) a container for `kind`; Ryuk removes it when the process ends. */
export function container(kind: Kind): Promise<StartedTestContainer> {
  let pending = started.get(kind);
  if (pending === undefined) {
    pending = startContainer(kind);
    started.set(kind, pending);
  }
  return pending;
}

async function startContainer(kind: Kind): Promise<StartedTestContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const base = new GenericContainer(IMAGES[kind]);
  switch (kind) {
    case 'postgres':
      return base
        .withEnvironment({
          POSTGRES_USER: 'scale',
          POSTGRES_PASSWORD: 'scale',
          POSTGRES_DB: 'scale',
        })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
        .start();
    case 'redis':
      return base.withExposedPorts(6379).start();
    case 'mqtt':
      return base
        .withCommand(['mosquitto', '-c', '/mosquitto-no-auth.conf'])
        .withExposedPorts(1883)
        .start();
    case 'kafka':
      return startKafka();
  }
}

// Kafka advertises the address clients must use, which is only known after the port is
// mapped, so the fixed host port equals the container port.
async function startKafka(): Promise<StartedTestContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const hostPort = 19092;
  return new GenericContainer(IMAGES.kafka)
    .withExposedPorts({ container: hostPort, host: hostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${hostPort},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
}
