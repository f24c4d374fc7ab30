import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createStorageNodeClient,
  NodeUnavailableError,
  ShardCorruptError,
  StorageNodeError,
} from '../../src/adapters/storage-node-client.ts';
import { newShardId, randomShard, writeAll } from './helpers/shards.ts';

// Fake nodes for the answers a healthy storage node never gives.
const servers: http.Server[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function fakeNode(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('storage node client', () => {
  it('rejects a write the node stored differently from what was sent, and deletes it', async () => {
    const requests: string[] = [];
    const url = await fakeNode((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      request.resume();
      request.on('end', () => {
        if (request.method === 'DELETE') return response.writeHead(204).end();
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ length: 1000, crc32: 12345 }));
      });
    });
    const client = createStorageNodeClient(url);
    const shardId = newShardId();
    await expect(
      writeAll(client.openShardWriter(shardId), randomShard(1000)),
    ).rejects.toBeInstanceOf(ShardCorruptError);
    expect(requests).toEqual([`PUT /shards/${shardId}`, `DELETE /shards/${shardId}`]);
    await client.close();
  });

  it('takes a 5xx for an unavailable node, and other refusals for what they are', async () => {
    const url = await fakeNode((request, response) => {
      const status = request.url?.endsWith('.1') ? 503 : 400;
      response.writeHead(status, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ code: status === 503 ? 'node.disk_full' : 'request.invalid' }));
    });
    const client = createStorageNodeClient(url);
    await expect(client.readShard(newShardId(1))).rejects.toMatchObject({
      constructor: NodeUnavailableError,
      code: 'node.disk_full',
    });
    const refused = await client.readShard(newShardId(2)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StorageNodeError);
    expect(refused).not.toBeInstanceOf(NodeUnavailableError);
    expect(refused).toMatchObject({ status: 400, code: 'request.invalid', nodeUrl: url });
    await client.close();
  });
});
