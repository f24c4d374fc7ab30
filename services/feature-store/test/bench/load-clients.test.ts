// The benchmark's load clients are hand-written; the README's numbers are only as good as they are.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGrpcServer, HEALTH_PROTO_PATH, loadProto, lookupService } from '@scale-models/grpc';
import type { GrpcServer } from '@scale-models/grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcH2Client } from '../../bench/grpc-h2-client.ts';
import { createHttp1Pool } from '../../bench/http1-pool.ts';

describe('the HTTP/1.1 load client', () => {
  let server: Server;
  let base: string;
  const bodies: string[] = [];

  beforeAll(async () => {
    // Answers in two writes (the head, then the body in two halves) so framing is exercised.
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        if (request.url === '/chunked') {
          response.write('no ');
          return response.end('length'); // two writes, no length: chunked
        }
        const answer = JSON.stringify({ echo: body });
        response.writeHead(request.url === '/missing' ? 404 : 200, {
          'content-length': Buffer.byteLength(answer),
        });
        response.write(answer.slice(0, 5));
        setTimeout(() => response.end(answer.slice(5)), 5);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends each body whole and answers each status once its whole body has arrived', async () => {
    const pool = createHttp1Pool(base, 2, { 'content-type': 'application/json' });
    try {
      const statuses = await Promise.all(
        ['{"a":1}', '{"b":"é"}', '{"c":3}'].map((body) => pool.post('/ok', body)),
      );
      expect(statuses).toEqual([200, 200, 200]);
      expect(bodies.slice(-3).sort()).toEqual(['{"a":1}', '{"b":"é"}', '{"c":3}']);
      expect(await pool.post('/missing', '{}')).toBe(404);
    } finally {
      pool.close();
    }
  });

  it('refuses an answer it cannot frame (chunked, no Content-Length)', async () => {
    const pool = createHttp1Pool(base, 1, {});
    try {
      await expect(pool.post('/chunked', '{}')).rejects.toThrow(/without Content-Length/);
    } finally {
      pool.close();
    }
  });
});

describe('the gRPC load client', () => {
  let grpc: GrpcServer;
  let address: string;
  const health = lookupService(loadProto(HEALTH_PROTO_PATH), 'grpc.health.v1.Health').service;
  const check = (service: string) => health.Check!.requestSerialize({ service });

  beforeAll(async () => {
    grpc = createGrpcServer({ services: [] });
    address = `127.0.0.1:${await grpc.listen('127.0.0.1:0')}`;
  });
  afterAll(() => grpc.shutdown(1000));

  it('resolves a call that ends OK and rejects one that ends with another status', async () => {
    const client = createGrpcH2Client(address, {});
    try {
      await expect(client.unary(health.Check!.path, check(''))).resolves.toBeUndefined();
      // grpc.health.v1 answers NOT_FOUND (5) for a service it does not know.
      await expect(client.unary(health.Check!.path, check('no.such.Service'))).rejects.toThrow(
        /grpc-status 5/,
      );
    } finally {
      client.close();
    }
  });
});
