import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createKafka, readToEnd } from '@scale-models/kafka';
import { defineChapter } from '@scale-models/tests/tour';
import type { TourContext } from '@scale-models/tests/tour';

const PORT = 7500;
const API_KEY = 'tour-api-key-0123456789';
const STATE_DIR = resolve(import.meta.dirname, '../../../.infra/stream-processor');
const run = randomBytes(3).toString('hex');
const QUERY = `tour_${run}`;
const USERS = ['ann', 'bob', 'cem', 'dia'].map((name) => `${name}-${run}`);
const BASE = Date.UTC(2026, 0, 1, 12, 0, 0);
const WINDOW = 10_000;
// The results sink's own database on the tour's PostgreSQL server (created at first start).
const pgUrl = new URL(process.env.PG_URL ?? 'postgres://scale:scale@127.0.0.1:5432/scale');
pgUrl.pathname = '/stream_processor';

// 240 clicks over 60 s of event time, a little out of order; the first half before the restart.
const clicks = Array.from({ length: 240 }, (_, i) => ({
  user: USERS[i % USERS.length]!,
  page: `/p${i % 5}`,
  country: 'NL',
  amount: (i % 7) + 1,
  ts: BASE + i * 250 - (i % 3) * 400,
}));
const expected = new Map<string, { clicks: number; spent: number }>();
for (const click of clicks) {
  const id = `${click.user}|${click.ts - (click.ts % WINDOW)}`;
  const window = expected.get(id) ?? { clicks: 0, spent: 0 };
  expected.set(id, { clicks: window.clicks + 1, spent: window.spent + click.amount });
}

const post = async (context: TourContext, path: string, body: unknown) => {
  const response = await fetch(`${context.url('engine')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function windowsSoFar(context: TourContext, store: 'redis' | 'postgres' = 'redis') {
  const response = await fetch(`${context.url('engine')}/queries/${QUERY}/results?store=${store}`);
  const view = (await response.json()) as {
    rows: { row: { user: string; window_start: number; clicks: number; spent: number } }[];
  };
  return new Map(
    view.rows.map(({ row }) => [
      `${row.user}|${row.window_start}`,
      { clicks: row.clicks, spent: row.spent },
    ]),
  );
}

export default defineChapter({
  miniature: 'stream-processor',
  title: 'event-time windows that survive a restart, exactly',
  processes: [
    {
      name: 'engine',
      args: ['src/bin/server.ts'],
      env: {
        PORT: String(PORT),
        API_KEYS: API_KEY,
        STATE_DIR,
        PG_URL: pgUrl.toString(),
        ALLOWED_LATENESS_MS: '2000',
        OUT_OF_ORDERNESS_MS: '1000',
      },
      url: `http://127.0.0.1:${PORT}`,
    },
  ],
  steps: [
    {
      title: 'a query with a mistake is refused with its position',
      run: async (context) => {
        const refused = await post(context, '/queries', {
          sql: `CREATE STREAM ${QUERY} AS\nSELECT user, COUNT(*) FROM clicks GROUP BY user`,
        });
        return `${refused.status} ${String(refused.body.code)}: ${String(refused.body.detail)}`;
      },
    },
    {
      title: 'deploy a continuous query: clicks and spend per user per 10 s window',
      run: async (context) => {
        const created = await post(context, '/queries', {
          sql: `CREATE STREAM ${QUERY} AS
SELECT user, COUNT(*) AS clicks, SUM(amount) AS spent, window_start
FROM clicks GROUP BY user, TUMBLE(ts, INTERVAL '10' SECOND) EMIT FINAL`,
        });
        if (created.status !== 201) throw new Error(JSON.stringify(created.body));
        return `deployed; results on ${String(created.body.resultTopic)}; dashboard at ${context.url('engine')}/dashboard?query=${QUERY}`;
      },
    },
    {
      title: 'stream the first 120 clicks (30 s of event time, slightly out of order)',
      run: async (context) => {
        await post(context, '/streams/clicks/events', clicks.slice(0, 120));
        return `${(await windowsSoFar(context)).size} windows closed so far (the watermark trails the newest click)`;
      },
    },
    {
      title: 'stop the engine mid-stream and start it again',
      run: async (context) => {
        await context.stop('engine');
        await context.start('engine');
        return 'the query is redeployed from the registry; its tasks reopen their LMDB state and replay only the changelog beyond its checkpoint';
      },
    },
    {
      title:
        'stream the other 120 clicks and one click per user 10 minutes later (closes every window)',
      run: async (context) => {
        await post(context, '/streams/clicks/events', [
          ...clicks.slice(120),
          ...USERS.map((user) => ({
            user,
            page: '/',
            country: 'NL',
            amount: 0,
            ts: BASE + 600_000,
          })),
        ]);
        for (const store of ['redis', 'postgres'] as const) {
          const deadline = Date.now() + 60_000;
          let seen = await windowsSoFar(context, store);
          while ([...expected.keys()].some((id) => !seen.has(id)) && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 500));
            seen = await windowsSoFar(context, store);
          }
          const wrong = [...expected].filter(
            ([id, want]) => JSON.stringify(seen.get(id)) !== JSON.stringify(want),
          );
          if (wrong.length > 0)
            throw new Error(`${wrong.length} windows in ${store} differ from the batch answer`);
        }
        return `all ${expected.size} windows equal the batch answer, in Redis and in the PostgreSQL sink: nothing lost, nothing counted twice`;
      },
    },
    {
      title: 'send a click from 5 minutes ago, past the allowed lateness',
      run: async (context) => {
        await post(context, '/streams/clicks/events', [
          { user: USERS[0], page: '/late', country: 'NL', amount: 1, ts: BASE + 300_000 },
        ]);
        const kafka = createKafka({
          brokers: context.env.KAFKA_BROKERS!.split(','),
          clientId: 'tour',
        });
        const deadline = Date.now() + 30_000;
        let late = 0;
        while (late === 0 && Date.now() < deadline) {
          late = (await readToEnd(kafka, `stream-processor.${QUERY}.late.v1`)).length;
          if (late === 0) await new Promise((resolve) => setTimeout(resolve, 500));
        }
        if (late === 0) throw new Error('the late click did not reach the late output');
        return `routed to stream-processor.${QUERY}.late.v1, not silently dropped`;
      },
    },
  ],
});
