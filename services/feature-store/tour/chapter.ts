import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defineChapter } from '@scale-models/tests/tour';
import type { TourContext } from '@scale-models/tests/tour';
import { trainFromRows } from '../src/domain/train-from-rows.ts';
import { accountAgeOf, fraudPairs } from '../test/support/fraud-history.ts';

const PORT = 7100;
const API_KEY = 'tour-feature-store-key';
const DRIVERS = 200;
const DAY = 86_400_000;
const ARTIFACTS = resolve(import.meta.dirname, '../../../.infra/feature-store/artifacts');
const EXAMPLE_REGISTRY = resolve(import.meta.dirname, '../examples/registry.yaml');
const INPUTS = ['driver_stats:conv_rate', 'driver_stats:acc_rate', 'driver_stats:avg_daily_trips'];
const FRAUD_SIGNALS = [
  'user_stats:account_age_days',
  'user_merchant_stats:txn_count',
  'user_merchant_stats:amount_sum',
];
const FRAUD_USERS = Array.from({ length: 60 }, (_, i) => 200 + i);
const FRAUD_MERCHANTS = ['m0', 'm1', 'm2', 'm3'];

// The miniature's own database on the tour's PostgreSQL server (created at first start).
const pgUrl = new URL(process.env.PG_URL ?? 'postgres://scale:scale@127.0.0.1:5432/scale');
pgUrl.pathname = '/feature_store';

const REGISTRY = {
  entities: [
    {
      name: 'driver',
      join_key: 'driver_id',
      value_type: 'int64',
      description: 'a ride-hailing driver',
    },
  ],
  feature_views: [
    {
      name: 'driver_stats',
      entities: ['driver'],
      ttl_seconds: 2 * 86_400,
      owner: 'rides-ml@example.com',
      tags: { team: 'rides' },
      features: [
        { name: 'conv_rate', dtype: 'float64' },
        { name: 'acc_rate', dtype: 'float64' },
        { name: 'avg_daily_trips', dtype: 'int64' },
      ],
    },
  ],
  feature_services: [{ name: 'driver_ranking', features: INPUTS }],
};

/** A driver's hidden quality drifts over the days; their stats and the label follow it. */
const quality = (driver: number, day: number) => 0.5 + 0.4 * Math.sin(driver * 1.7 + day / 5);
/** Deterministic noise in [-0.2, 0.2): rides are not fully predictable. */
const noise = (i: number) => (((i * 2654435761) % 1000) / 1000 - 0.5) * 0.4;

let trainingSetId = '';
let modelVersion = 0;
let trained: Awaited<ReturnType<typeof trainFromRows>> | undefined;
let trainingRows: Record<string, unknown>[] = [];

/** A training set's rows, as the store streams them (NDJSON). */
async function trainingSetRows(
  context: TourContext,
  id: string,
): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${context.url('server')}/v1/training-sets/${id}/rows`, {
    headers: { accept: 'application/x-ndjson', 'x-api-key': API_KEY },
  });
  if (!response.ok) throw new Error(`training set rows: ${response.status}`);
  return (await response.text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function call<T>(
  context: TourContext,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const response = await fetch(`${context.url('server')}${path}`, {
    method,
    headers: {
      'x-api-key': API_KEY,
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok && response.status !== 409)
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
}

let bestDriver = 0;

interface OnlineAnswer {
  metadata: { feature_names: string[] };
  results: { values: unknown[]; statuses: string[] }[];
}

/** `feature: value (STATUS)` for one entity row of a get-online-features answer. */
function describeRow(answer: OnlineAnswer, row: number, from: number): string {
  return answer.results
    .slice(from)
    .map((column, j) => {
      const name = answer.metadata.feature_names[from + j]!.split(':')[1];
      return `${name} ${JSON.stringify(column.values[row])} (${column.statuses[row]})`;
    })
    .join(', ');
}

async function probabilitiesOf(
  context: TourContext,
  drivers: number[],
): Promise<{ p: number[]; version: string; ms: number }> {
  const started = performance.now();
  const answer = await call<{ model_version: string; outputs: { data: number[] }[] }>(
    context,
    'POST',
    '/v2/models/driver_ranking/infer',
    {
      inputs: [{ name: 'driver_id', datatype: 'INT64', shape: [drivers.length], data: drivers }],
    },
  );
  return {
    p: answer.outputs[0]!.data,
    version: answer.model_version,
    ms: performance.now() - started,
  };
}

export default defineChapter({
  miniature: 'feature-store',
  title: 'features as of the right time, a model trained on them, served in milliseconds',
  processes: [
    {
      name: 'server',
      args: ['src/bin/server.ts'],
      env: {
        PORT: String(PORT),
        GRPC_PORT: String(PORT + 1),
        PG_URL: pgUrl.toString(),
        API_KEYS: API_KEY,
        ARTIFACTS,
        LOG_LEVEL: 'warn',
      },
      url: `http://127.0.0.1:${PORT}`,
    },
  ],
  steps: [
    {
      title:
        'apply the registry: a driver entity, a feature view with a 2-day TTL, a feature service',
      run: async (context) => {
        const { changes } = await call<{ changes: unknown[] }>(
          context,
          'POST',
          '/v1/apply',
          REGISTRY,
        );
        return changes.length === 0
          ? 'registry unchanged (applied before)'
          : `${changes.length} objects created`;
      },
    },
    {
      title: 'ingest 30 days of daily driver stats as CSV into the offline store',
      run: async (context) => {
        const now = Date.now();
        const lines = ['driver_id,event_timestamp,conv_rate,acc_rate,avg_daily_trips'];
        for (let day = 30; day >= 1; day--) {
          for (let driver = 0; driver < DRIVERS; driver++) {
            const q = quality(driver, -day);
            lines.push(
              `${driver},${new Date(now - day * DAY).toISOString()},${q.toFixed(4)},${(1 - q / 2).toFixed(4)},${Math.round(10 + 20 * q)}`,
            );
          }
        }
        const { ingested } = await call<{ ingested: number }>(
          context,
          'POST',
          '/v1/feature-views/driver_stats/rows',
          lines.join('\n'),
          'text/csv',
        );
        return `${ingested} rows`;
      },
    },
    {
      title: 'build a point-in-time correct training set from labelled rides',
      run: async (context) => {
        const now = Date.now();
        const lines = ['driver_id,event_timestamp,completed'];
        for (let i = 0; i < 4000; i++) {
          const driver = i % DRIVERS;
          const daysAgo = 1 + ((i * 7919) % 2800) / 100;
          const completed = quality(driver, -Math.ceil(daysAgo)) + noise(i) > 0.5 ? 1 : 0;
          lines.push(`${driver},${new Date(now - daysAgo * DAY).toISOString()},${completed}`);
        }
        const set = await call<{ id: string; row_count: number }>(
          context,
          'POST',
          '/v1/training-sets?feature_service=driver_ranking',
          lines.join('\n'),
          'text/csv',
        );
        trainingSetId = set.id;
        return `training set ${set.id}: ${set.row_count} rows, each joined to the stats of the day before its ride (never later)`;
      },
    },
    {
      title: 'train a logistic regression in TypeScript on the streamed training set',
      run: async (context) => {
        const rows = await trainingSetRows(context, trainingSetId);
        trainingRows = rows;
        trained = await trainFromRows(rows, INPUTS, 'completed');
        return `${trained.metrics.train_rows} rows; holdout accuracy ${(trained.metrics.holdout_accuracy * 100).toFixed(1)} %`;
      },
    },
    {
      title: 'register it (artifact, lineage to the training set) and make it champion',
      run: async (context) => {
        await call(context, 'POST', '/v1/models', {
          name: 'driver_ranking',
          description: 'will the driver complete the ride?',
        });
        const version = await call<{ version: number; artifact_uri: string }>(
          context,
          'POST',
          '/v1/models/driver_ranking/versions',
          {
            artifact: trained!.model,
            feature_service: 'driver_ranking',
            training_set_id: trainingSetId,
            metrics: trained!.metrics,
            metadata: { feature_stats: trained!.feature_stats },
          },
        );
        modelVersion = version.version;
        await call(context, 'PUT', '/v1/models/driver_ranking/aliases/champion', {
          version: modelVersion,
        });
        return `version ${modelVersion} at ${version.artifact_uri}`;
      },
    },
    {
      title:
        'train an MLP (3-16-8-1) on the same rows, export it as ONNX, register it as challenger',
      run: async (context) => {
        const mlp = await trainFromRows(trainingRows, INPUTS, 'completed', { kind: 'mlp' });
        const version = await call<{ version: number }>(
          context,
          'POST',
          '/v1/models/driver_ranking/versions',
          {
            artifact: mlp.model,
            feature_service: 'driver_ranking',
            training_set_id: trainingSetId,
            metrics: mlp.metrics,
            metadata: { feature_stats: mlp.feature_stats },
          },
        );
        await call(context, 'PUT', '/v1/models/driver_ranking/aliases/challenger', {
          version: version.version,
        });
        return `version ${version.version} (onnxruntime, shadow traffic); holdout accuracy ${(mlp.metrics.holdout_accuracy * 100).toFixed(1)} %`;
      },
    },
    {
      title: 'materialize the offline store into Redis',
      run: async (context) => {
        const { reports } = await call<{ reports: { keys: number; written: number }[] }>(
          context,
          'POST',
          '/v1/materialize',
          { mode: 'full' },
        );
        return `${reports[0]!.keys} drivers' newest stats copied to the online store`;
      },
    },
    {
      title: 'ask the KServe V2 endpoint about drivers 0-9 (features fetched online)',
      run: async (context) => {
        const drivers = Array.from({ length: 10 }, (_, i) => i);
        const { p, version, ms } = await probabilitiesOf(context, drivers);
        bestDriver = drivers[p.indexOf(Math.max(...p))]!;
        return `best is driver ${bestDriver}, p(complete) = ${Math.max(...p).toFixed(3)}; version ${version}, ${ms.toFixed(1)} ms for 10 drivers`;
      },
    },
    {
      title: 'push fresh, much worse stats for that driver and ask again',
      run: async (context) => {
        const before = await probabilitiesOf(context, [bestDriver]);
        await call(context, 'POST', '/v1/push', {
          feature_view: 'driver_stats',
          rows: [
            {
              driver_id: bestDriver,
              event_timestamp: new Date().toISOString(),
              conv_rate: 0.1,
              acc_rate: 0.95,
              avg_daily_trips: 12,
            },
          ],
        });
        const after = await probabilitiesOf(context, [bestDriver]);
        return `p(complete) ${before.p[0]!.toFixed(3)} → ${after.p[0]!.toFixed(3)}: the pushed value is served at once`;
      },
    },
    {
      title: 'compare the champion with its ONNX challenger on the traffic it shadowed',
      run: async (context) => {
        for (let attempt = 0; attempt < 50; attempt++) {
          const { shadow } = await call<{
            shadow?: { compared: number; mean_abs_difference: number; disagreements: number };
          }>(context, 'GET', '/v1/models/driver_ranking/serving');
          if (shadow !== undefined && shadow.compared >= 11)
            return `${shadow.compared} predictions compared: mean |difference| ${shadow.mean_abs_difference.toFixed(3)}, ${shadow.disagreements} disagreements at 0.5`;
          await new Promise((done) => setTimeout(done, 20));
        }
        throw new Error('the challenger recorded no shadow comparisons');
      },
    },
    {
      title:
        'apply examples/registry.yaml: a fraud view keyed by two entities, (user_id, merchant_id)',
      run: async (context) => {
        const { changes } = await call<{ changes: unknown[] }>(
          context,
          'POST',
          '/v1/apply',
          await readFile(EXAMPLE_REGISTRY, 'utf8'),
          'application/yaml',
        );
        return changes.length === 0
          ? 'registry unchanged (applied before)'
          : `${changes.length} objects created: user_merchant_stats, user_stats, fraud_signals…`;
      },
    },
    {
      title: "push a user's payments at two merchants, then read features by (user, merchant)",
      run: async (context) => {
        const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
        const push = (feature_view: string, rows: object[]) =>
          call(context, 'POST', '/v1/push', { feature_view, rows });
        await push('user_merchant_stats', [
          {
            user_id: 101,
            merchant_id: 'm1',
            event_timestamp: ago(DAY / 24),
            txn_count: 5,
            amount_sum: 12.5,
          },
          // Older than the view's one-week TTL: reported, never served as fresh.
          {
            user_id: 101,
            merchant_id: 'm2',
            event_timestamp: ago(9 * DAY),
            txn_count: 2,
            amount_sum: 40,
          },
        ]);
        await push('user_stats', [
          { user_id: 101, event_timestamp: ago(20 * DAY), account_age_days: 365 },
        ]);
        const answer = await call<OnlineAnswer>(context, 'POST', '/v1/get-online-features', {
          feature_service: 'fraud_signals',
          entities: { user_id: [101, 101, 101], merchant_id: ['m1', 'm2', 'm3'] },
        });
        return ['m1', 'm2', 'm3']
          .map((merchant, row) => `(101, ${merchant}): ${describeRow(answer, row, 2)}`)
          .join('; ');
      },
    },
    {
      title: 'ask again without merchant_id: refused, naming the missing key',
      run: async (context) => {
        const response = await fetch(`${context.url('server')}/v1/get-online-features`, {
          method: 'POST',
          headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({ feature_service: 'fraud_signals', entities: { user_id: [101] } }),
        });
        const problem = (await response.json()) as { code: string; field: string };
        if (response.status !== 400) throw new Error(`expected 400, got ${response.status}`);
        return `${response.status} ${problem.code}, field ${problem.field}`;
      },
    },
    {
      title:
        'train a fraud model on fraud_signals: a point-in-time training set keyed by (user_id, merchant_id)',
      run: async (context) => {
        const at = (ms: number) => new Date(Date.now() - ms).toISOString();
        const push = (feature_view: string, rows: object[]) =>
          call(context, 'POST', '/v1/push', { feature_view, rows });
        await push(
          'user_stats',
          FRAUD_USERS.map((user) => ({
            user_id: user,
            event_timestamp: at(2 * DAY),
            account_age_days: accountAgeOf(user),
          })),
        );
        const pairs = fraudPairs(FRAUD_USERS, FRAUD_MERCHANTS);
        await push(
          'user_merchant_stats',
          pairs.map(({ fraud: _label, ...stats }) => ({ ...stats, event_timestamp: at(2 * DAY) })),
        );
        // Labelled a day after the stats: each row joins the stats as they were then.
        const set = await call<{ id: string; row_count: number }>(
          context,
          'POST',
          '/v1/training-sets?feature_service=fraud_signals',
          pairs.map(({ user_id, merchant_id, fraud }) => ({
            user_id,
            merchant_id,
            event_timestamp: at(DAY),
            fraud,
          })),
        );
        const fraud = await trainFromRows(
          await trainingSetRows(context, set.id),
          FRAUD_SIGNALS,
          'fraud',
        );
        await call(context, 'POST', '/v1/models', { name: 'fraud', description: 'is it fraud?' });
        const { version } = await call<{ version: number }>(
          context,
          'POST',
          '/v1/models/fraud/versions',
          { artifact: fraud.model, feature_service: 'fraud_signals', training_set_id: set.id },
        );
        await call(context, 'PUT', '/v1/models/fraud/aliases/champion', { version });
        return `${set.row_count} (user, merchant) rows; holdout accuracy ${(fraud.metrics.holdout_accuracy * 100).toFixed(1)} %; fraud v${version} is champion`;
      },
    },
    {
      title: 'score payments by (user_id, merchant_id): one KServe V2 input per join key',
      run: async (context) => {
        const { inputs } = await call<{ inputs: { name: string; datatype: string }[] }>(
          context,
          'GET',
          '/v2/models/fraud',
        );
        const merchants = ['m1', 'm2', 'm3'];
        const answer = await call<{ outputs: { data: number[] }[] }>(
          context,
          'POST',
          '/v2/models/fraud/infer',
          {
            inputs: [
              { name: 'user_id', datatype: 'INT64', shape: [3], data: [101, 101, 101] },
              { name: 'merchant_id', datatype: 'BYTES', shape: [3], data: merchants },
            ],
          },
        );
        const scores = merchants
          .map((merchant, row) => `(101, ${merchant}) ${answer.outputs[0]!.data[row]!.toFixed(3)}`)
          .join(', ');
        return `inputs ${inputs.map((i) => `${i.name} ${i.datatype}`).join(', ')}; p(fraud): ${scores}`;
      },
    },
    {
      title: 'infer with user_id alone: refused, naming the missing input',
      run: async (context) => {
        const response = await fetch(`${context.url('server')}/v2/models/fraud/infer`, {
          method: 'POST',
          headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({
            inputs: [{ name: 'user_id', datatype: 'INT64', shape: [1], data: [101] }],
          }),
        });
        const error = (await response.json()) as { code: string; error: string };
        if (response.status !== 400) throw new Error(`expected 400, got ${response.status}`);
        return `${response.status} ${error.code}: ${error.error}`;
      },
    },
  ],
});
