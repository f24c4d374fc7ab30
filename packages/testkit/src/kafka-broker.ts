import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.ts';
import { freePort } from './free-port.ts';

export interface KafkaBroker {
  /** `127.0.0.1:<port>`: the same address across restarts. */
  brokers: string[];
  /** Holds the log dirs, the config and the broker's own log (`kafka.log`). */
  dir: string;
  /** Stops the broker: SIGTERM is a controlled shutdown, SIGKILL a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same ports and log dirs (after `stop`). */
  restart(): Promise<void>;
}

export interface KafkaBrokerOptions {
  /** Folder of the Kafka jars; default: the newest `kafka-*\/lib` that `scripts/infra/up` cached. */
  lib?: string;
  /** How long to wait for "Kafka Server started"; default 120 s (a JVM on busy cores). */
  startTimeoutMs?: number;
}

/**
 * A single-node KRaft broker of the test's own, on free ports, from the jars `scripts/infra/up`
 * fetches: for tests that stop or crash the broker, which must never touch the shared one.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const lib = options.lib ?? cachedKafkaLib();
  const dir = mkdtempSync(join(tmpdir(), 'kafka-broker-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'server.properties'), serverProperties(dir, port, controllerPort));
  writeFileSync(join(dir, 'log4j2.properties'), LOG4J);
  const java = javaArgs(lib, dir);
  const format = spawnSync(
    'java',
    [
      ...java,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId(),
      '-c',
      join(dir, 'server.properties'),
    ],
    { encoding: 'utf8', input: '' },
  );
  if (format.status !== 0) throw new Error(`kafka storage format failed: ${format.stderr}`);
  let child: ChildProcess | undefined;
  const start = async () => {
    writeFileSync(join(dir, 'kafka.log'), '');
    child = spawn('java', [...java, 'kafka.Kafka', join(dir, 'server.properties')], {
      stdio: 'ignore',
    });
    const exited = once(child, 'exit');
    await Promise.race([
      eventually(() => brokerStarted(dir), { timeoutMs: options.startTimeoutMs ?? 120_000 }),
      exited.then(() => {
        throw new Error(`kafka exited while starting; see ${join(dir, 'kafka.log')}`);
      }),
    ]);
  };
  await start();
  return {
    brokers: [`127.0.0.1:${port}`],
    dir,
    async stop(signal = 'SIGTERM') {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = once(running, 'exit');
      running.kill(signal);
      await exited;
    },
    restart: start,
  };
}

function brokerStarted(dir: string): void {
  if (!readFileSync(join(dir, 'kafka.log'), 'utf8').includes('Kafka Server started')) {
    throw new Error('kafka not started yet');
  }
}

/** The jars `scripts/infra/up` resolves from Maven Central into the user's cache. */
function cachedKafkaLib(): string {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'scale-models');
  const versions = existsSync(cache)
    ? readdirSync(cache)
        .filter((name) => /^kafka-[\d.]+$/.test(name) && existsSync(join(cache, name, 'lib')))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : [];
  const newest = versions.at(-1);
  if (newest === undefined) {
    throw new Error(
      `no Kafka jars under ${cache}: run scripts/infra/up once (it fetches them from Maven Central)`,
    );
  }
  return join(cache, newest, 'lib');
}

function javaArgs(lib: string, dir: string): string[] {
  return [
    '-Xms64m',
    '-Xmx512m',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
    `-Dkafka.logfile=${join(dir, 'kafka.log')}`,
    '-cp',
    `${lib}/*`,
  ];
}

/** A KRaft cluster id: 16 random bytes in URL-safe base64 without padding. */
function clusterId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
}

function serverProperties(dir: string, port: number, controllerPort: number): string {
  mkdirSync(join(dir, 'data'));
  // As scripts/infra/up's broker: one node, so internal topics ask for one replica.
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${join(dir, 'data')}
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
`;
}

const LOG4J = `status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = \${sys:kafka.logfile}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
`;
