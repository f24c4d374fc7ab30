import { Readable } from 'node:stream';
import { InputError, ServiceError } from '@scale-models/errors';
import type { RoutePlugin } from '@scale-models/service-kit';
import { Type } from '@scale-models/service-kit';
import type { ShardStore } from '../adapters/shard-store.ts';
import { parseRangeHeader } from '../domain/byte-range.ts';
import { isShardCorrupt } from '../domain/shard-errors.ts';
import { ListQuery, ShardPage, ShardParams, VerifyReport, WrittenShard } from './shard-schemas.ts';

// An upload that sends nothing for this long is dropped (its temp file with it): a client
// that vanished without closing its connection must not pin a file forever.
const UPLOAD_IDLE_TIMEOUT_MS = 60_000;

/** The storage node's API: put, get (ranged), stat, delete, list and verify shards. */
export function shardRoutes(store: ShardStore): RoutePlugin {
  return (app) => {
    // Shards can be GiBs: hand the body over as the raw stream, never buffered. fastify's
    // bodyLimit does not apply to such a parser; the store enforces MAX_SHARD_BYTES itself.
    app.addContentTypeParser('application/octet-stream', (_request, payload, done) => {
      done(null, payload);
    });

    app.put(
      '/shards/:shardId',
      { schema: { params: ShardParams, response: { 201: WrittenShard } } },
      async (request, reply) => {
        const body = request.body === undefined ? Readable.from([]) : (request.body as Readable);
        // Refusing mid-body (too large, disk full) must not destroy the request: the client
        // is owed the refusal, after which the connection closes.
        const chunks = { [Symbol.asyncIterator]: () => body.iterator({ destroyOnReturn: false }) };
        const { socket } = request.raw;
        socket.setTimeout(UPLOAD_IDLE_TIMEOUT_MS);
        try {
          const written = await store.put(request.params.shardId, chunks);
          return await reply.code(201).send(written);
        } catch (error) {
          if (!(error instanceof ServiceError) && request.raw.destroyed) throw uploadAborted(error);
          if (!request.raw.complete) void reply.header('connection', 'close');
          throw error;
        } finally {
          socket.setTimeout(0);
        }
      },
    );

    app.get(
      '/shards/:shardId',
      {
        exposeHeadRoute: false,
        schema: {
          params: ShardParams,
          headers: Type.Object({ range: Type.Optional(Type.String()) }),
        },
      },
      async (request, reply) => {
        const { range } = request.headers;
        const wanted = range === undefined ? undefined : parseRangeHeader(range);
        const shard = await store.read(request.params.shardId, wanted).catch((error: unknown) => {
          // Bitrot found is news for operators, not only for this client.
          if (isShardCorrupt(error)) request.log.warn({ err: error }, 'corrupt shard');
          throw error;
        });
        const { start, end } = shard.range;
        void reply
          .type('application/octet-stream')
          .header('content-length', end - start)
          .header('accept-ranges', 'bytes');
        if (wanted !== undefined) {
          void reply.code(206).header('content-range', `bytes ${start}-${end - 1}/${shard.length}`);
        }
        // A corrupt block further on destroys the response mid-body: the client sees a
        // short, failed read, never the bad bytes.
        return reply.send(shard.body);
      },
    );

    app.head('/shards/:shardId', { schema: { params: ShardParams } }, async (request, reply) => {
      const { length, modifiedAt } = await store.stat(request.params.shardId);
      return reply
        .header('content-length', length)
        .header('last-modified', modifiedAt.toUTCString())
        .header('x-shard-modified-at', modifiedAt.toISOString())
        .send();
    });

    app.delete('/shards/:shardId', { schema: { params: ShardParams } }, async (request, reply) => {
      await store.delete(request.params.shardId);
      return reply.code(204).send();
    });

    app.get(
      '/shards',
      { schema: { querystring: ListQuery, response: { 200: ShardPage } } },
      async (request) => {
        const page = await store.list(request.query.after, request.query.limit);
        const shards = page.shards.map((shard) => ({
          ...shard,
          modifiedAt: shard.modifiedAt.toISOString(),
        }));
        return { ...page, shards };
      },
    );

    app.post(
      '/shards/:shardId/verify',
      { schema: { params: ShardParams, response: { 200: VerifyReport } } },
      async (request) => {
        const report = await store.verify(request.params.shardId);
        if (!report.ok)
          request.log.warn({ shardId: request.params.shardId, report }, 'corrupt shard');
        return report;
      },
    );
  };
}

function uploadAborted(cause: unknown): InputError {
  return new InputError('shard.upload_aborted', 'The upload ended early; nothing was stored.', {
    cause,
  });
}
