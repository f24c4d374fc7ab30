import { join } from 'node:path';
import { ConflictError, InputError, NotFoundError } from '@scale-models/errors';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Catalog, SourceSchema } from '../sql/catalog.ts';
import { defineTable } from '../sql/define-table.ts';
import { planQuery } from '../sql/plan-query.ts';
import type { PlanOptions } from '../sql/plan-query.ts';
import { startLiveView } from './live-view.ts';
import { startPostgresSink } from './postgres-sink.ts';
import type { PostgresSink } from './postgres-sink.ts';
import type { LiveView } from './live-view.ts';
import { runQuery } from './run-query.ts';
import type { DeliveryMode, RunningQuery } from './run-query.ts';
import { queryTopics } from './topics.ts';
import type { QueryTopics } from './topics.ts';

export interface DeployedQuery {
  name: string;
  sql: string;
  inputTopic: string;
  topics: QueryTopics;
  columns: string[];
  running: RunningQuery;
  view: LiveView;
  /** Results in PostgreSQL too, when the service has a database. */
  sink?: PostgresSink;
}

export interface QueryManagerOptions {
  kafka: Kafka;
  redis: Redis;
  catalog: Catalog;
  plan: PlanOptions;
  mode: DeliveryMode;
  stateDir: string;
  repartitionPurgeIntervalMs?: number;
  /** When set, each query's results also go to PostgreSQL (pull queries with store=postgres). */
  pool?: pg.Pool;
}

const REGISTRY = 'queries';
const TABLES = 'stream-processor:tables';

/**
 * Deployed continuous queries. `CREATE STREAM name AS SELECT …` plans (refused with a position
 * on error, nothing deployed), starts the tasks and the live view, and records the SQL in Redis
 * so a restarted process deploys the same queries again under the same group ids.
 */
export function createQueryManager(options: QueryManagerOptions) {
  const queries = new Map<string, DeployedQuery>();

  const start = async (sql: string): Promise<DeployedQuery> => {
    const planned = planQuery(sql, options.catalog, options.plan);
    if (planned.name === undefined) {
      throw new InputError(
        'query.not_a_stream',
        'deploy a continuous query with CREATE STREAM <name> AS SELECT …',
      );
    }
    const name = planned.name.toLowerCase();
    if (queries.has(name))
      throw new ConflictError('query.exists', `query ${name} is already deployed`);
    const topics = queryTopics(name);
    const running = await runQuery({
      kafka: options.kafka,
      plan: planned.plan,
      inputTopic: planned.topic,
      topics,
      stateDir: join(options.stateDir, name),
      mode: options.mode,
      groupId: `stream-processor-${name}`,
      repartitionPurgeIntervalMs: options.repartitionPurgeIntervalMs,
    });
    const view = await startLiveView({
      kafka: options.kafka,
      redis: options.redis,
      query: name,
      topic: topics.results,
      groupId: `stream-processor-${name}-view`,
    });
    const sink =
      options.pool &&
      (await startPostgresSink({
        kafka: options.kafka,
        pool: options.pool,
        query: name,
        topic: topics.results,
        groupId: `stream-processor-${name}-pg`,
      }));
    const deployed = {
      name,
      sql,
      inputTopic: planned.topic,
      topics,
      columns: planned.plan.columns,
      running,
      view,
      sink,
    };
    queries.set(name, deployed);
    return deployed;
  };

  const find = (name: string): DeployedQuery => {
    const deployed = queries.get(name.toLowerCase());
    if (deployed === undefined)
      throw new NotFoundError('query.not_found', `no query named ${name}`);
    return deployed;
  };

  const addTable = (sql: string): SourceSchema => {
    const table = defineTable(sql);
    const name = table.name.toLowerCase();
    if (options.catalog.has(name)) {
      throw new ConflictError('table.exists', `a stream or table named ${name} exists`);
    }
    options.catalog.set(name, table);
    return table;
  };

  return {
    /** `CREATE TABLE … WITH (topic = …)`: queries deployed from now on may JOIN it. */
    async registerTable(sql: string): Promise<SourceSchema> {
      const table = addTable(sql);
      await options.redis.hset(TABLES, table.name.toLowerCase(), sql);
      return table;
    },
    tables: () => [...options.catalog.values()].filter(({ kind }) => kind === 'table'),
    async deploy(sql: string): Promise<DeployedQuery> {
      const deployed = await start(sql);
      await options.redis.hset(REGISTRY, deployed.name, sql);
      return deployed;
    },
    /** At boot: every query recorded in the registry runs again. */
    async redeployAll(): Promise<void> {
      for (const sql of Object.values(await options.redis.hgetall(TABLES))) addTable(sql);
      for (const sql of Object.values(await options.redis.hgetall(REGISTRY))) await start(sql);
    },
    get(name: string): DeployedQuery {
      const deployed = queries.get(name.toLowerCase());
      if (deployed === undefined)
        throw new NotFoundError('query.not_found', `no query named ${name}`);
      return deployed;
    },
    list: () => [...queries.values()],
    async remove(name: string): Promise<void> {
      const deployed = find(name);
      queries.delete(deployed.name);
      await options.redis.hdel(REGISTRY, deployed.name);
      await deployed.view.stop();
      await deployed.sink?.stop();
      await deployed.running.stop();
    },
    async stopAll(): Promise<void> {
      const all = [...queries.values()];
      queries.clear();
      for (const deployed of all) {
        await deployed.view.stop();
        await deployed.sink?.stop();
        await deployed.running.stop();
      }
    },
  };
}

export type QueryManager = ReturnType<typeof createQueryManager>;
