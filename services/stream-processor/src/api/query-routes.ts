import { InputError } from '@scale-models/errors';
import type { Authenticate } from './authenticate.ts';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import type { QueryManager, DeployedQuery } from '../adapters/query-manager.ts';
import type { SourceSchema } from '../sql/catalog.ts';

const QueryName = Type.Object({ name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }) });
const QuerySummary = Type.Object({
  name: Type.String(),
  sql: Type.String(),
  inputTopic: Type.String(),
  resultTopic: Type.String(),
  lateTopic: Type.String(),
  changelogTopic: Type.String(),
  columns: Type.Array(Type.String()),
});
const Row = Type.Record(Type.String(), Type.Unknown());
const TableSummary = Type.Object({
  name: Type.String(),
  topic: Type.String(),
  key: Type.Optional(Type.String()),
  columns: Type.Record(Type.String(), Type.String()),
});
const tableSummary = ({ name, topic, key, columns }: SourceSchema) => ({
  name,
  topic,
  key,
  columns,
});

const summary = (query: DeployedQuery) => ({
  name: query.name,
  sql: query.sql,
  inputTopic: query.inputTopic,
  resultTopic: query.topics.results,
  lateTopic: query.topics.late,
  changelogTopic: query.topics.changelog,
  columns: query.columns,
});

/** Deploy, list and remove continuous queries; pull their live results or follow them (SSE). */
export function queryRoutes(queries: QueryManager, authenticate: Authenticate): RoutePlugin {
  return (app) => {
    app.post(
      '/queries',
      {
        preHandler: authenticate,
        schema: {
          summary: 'Deploy a continuous query: CREATE STREAM <name> AS SELECT …',
          body: Type.Object({ sql: Type.String({ minLength: 1, maxLength: 20_000 }) }),
          response: { 201: QuerySummary },
        },
      },
      async (request, reply) =>
        reply.code(201).send(summary(await queries.deploy(request.body.sql))),
    );
    app.post(
      '/tables',
      {
        preHandler: authenticate,
        schema: {
          summary:
            "Register a table read from its own compacted topic: CREATE TABLE … WITH (topic = '…')",
          body: Type.Object({ sql: Type.String({ minLength: 1, maxLength: 20_000 }) }),
          response: { 201: TableSummary },
        },
      },
      async (request, reply) =>
        reply.code(201).send(tableSummary(await queries.registerTable(request.body.sql))),
    );
    app.get(
      '/tables',
      {
        schema: { summary: 'Tables queries may JOIN', response: { 200: Type.Array(TableSummary) } },
      },
      () => queries.tables().map(tableSummary),
    );
    app.get(
      '/queries',
      { schema: { summary: 'Deployed queries', response: { 200: Type.Array(QuerySummary) } } },
      () => queries.list().map(summary),
    );
    app.get(
      '/queries/:name',
      { schema: { params: QueryName, response: { 200: QuerySummary } } },
      (request) => summary(queries.get(request.params.name)),
    );
    app.delete(
      '/queries/:name',
      { preHandler: authenticate, schema: { params: QueryName } },
      async (request, reply) => {
        await queries.remove(request.params.name);
        return reply.code(204).send();
      },
    );
    app.get(
      '/queries/:name/results',
      {
        schema: {
          summary: 'Pull query: the latest committed result per window and key',
          params: QueryName,
          querystring: Type.Object({
            store: Type.Union([Type.Literal('redis'), Type.Literal('postgres')], {
              default: 'redis',
              description: 'the live view in Redis, or the PostgreSQL sink',
            }),
          }),
          response: {
            200: Type.Object({
              columns: Type.Array(Type.String()),
              rows: Type.Array(Type.Object({ id: Type.String(), row: Row })),
            }),
          },
        },
      },
      async (request) => {
        const query = queries.get(request.params.name);
        if (request.query.store === 'redis') {
          return { columns: query.columns, rows: await query.view.rows() };
        }
        if (query.sink === undefined) {
          throw new InputError(
            'results.no_postgres_sink',
            'this service has no PostgreSQL sink: start it with PG_URL',
          );
        }
        return { columns: query.columns, rows: await query.sink.rows() };
      },
    );
    app.get(
      '/queries/:name/changes',
      {
        schema: {
          summary: 'Push: every committed result as a Server-Sent Event',
          params: QueryName,
        },
      },
      (request, reply) => {
        const query = queries.get(request.params.name);
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        reply.raw.write(': connected\n\n');
        const unsubscribe = query.view.subscribe((update) => {
          reply.raw.write(`event: result\ndata: ${JSON.stringify(update)}\n\n`);
        });
        request.raw.on('close', unsubscribe);
      },
    );
  };
}
