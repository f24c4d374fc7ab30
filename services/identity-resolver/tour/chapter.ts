import { defineChapter } from '@scale-models/tests/tour';
import type { TourContext } from '@scale-models/tests/tour';
import { CSV_HEADER, generateRecords, toCsvRow } from '../bench/accuracy/generate-people.ts';

const API_PORT = 8000;
const RESOLVER_PORT = 8001;
const WRITE_KEY = 'demo-web-write-key';
const ADMIN_TOKEN = 'demo-admin-token-change-me';
// A run of its own, so the tour can be played again on the same servers.
// Identifiers erased by an earlier run stay suppressed, so each run brings its own.
const RUN = Date.now().toString(36);
const PHONE = `(415) ${200 + (Date.now() % 700)}-${String(Date.now() % 10_000).padStart(4, '0')}`;

const pgUrl = new URL(process.env.PG_URL ?? 'postgres://scale:scale@127.0.0.1:5432/scale');
pgUrl.pathname = '/identity_resolver';
const env = {
  PG_URL: pgUrl.toString(),
  WRITE_KEYS: `web=${WRITE_KEY}`,
  ADMIN_TOKEN,
  LOG_LEVEL: 'warn',
};

interface View {
  profileId: string;
  identities: { type: string; value: string }[];
  computed: { eventCount: number };
}

async function track(context: TourContext, batch: Record<string, unknown>[]): Promise<void> {
  const response = await fetch(`${context.url('api')}/v1/batch`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ batch }),
  });
  if (!response.ok) throw new Error(`batch refused: ${response.status}`);
}

async function admin(
  context: TourContext,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${context.url('api')}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers },
  });
}

async function postJson(context: TourContext, path: string, body: unknown): Promise<Response> {
  return admin(context, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Polls the profile until `ready` holds (the resolver works asynchronously). */
async function profile(
  context: TourContext,
  identifier: string,
  ready: (view: View) => boolean,
): Promise<View> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const response = await admin(context, `/v1/profiles/${encodeURIComponent(identifier)}`);
    if (response.ok) {
      const view = (await response.json()) as View;
      if (ready(view)) return view;
    }
    if (Date.now() > deadline) throw new Error(`profile ${identifier} not ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const list = (view: View) => view.identities.map((i) => `${i.type}:${i.value}`).join(', ');
const user = `tour-${RUN}`;
const laptop = `laptop-${RUN}`;
const phone = `phone-${RUN}`;
const tablet = `family-tablet-${RUN}`;
const bo = `bo-${RUN}`;

export default defineChapter({
  miniature: 'identity-resolver',
  title: 'a customer data platform stitching one person from devices, a login and a CRM file',
  processes: [
    {
      name: 'api',
      args: ['src/bin/api.ts'],
      env: { ...env, PORT: String(API_PORT) },
      url: `http://127.0.0.1:${API_PORT}`,
    },
    {
      name: 'resolver',
      args: ['src/bin/resolver.ts'],
      env: { ...env, PORT: String(RESOLVER_PORT) },
      url: `http://127.0.0.1:${RESOLVER_PORT}`,
    },
  ],
  steps: [
    {
      title: 'browse anonymously on a laptop and a phone (Segment page/track calls)',
      run: async (context) => {
        await track(context, [
          { type: 'page', anonymousId: laptop, name: 'Home', messageId: `${RUN}-1` },
          { type: 'track', anonymousId: laptop, event: 'Product Viewed', messageId: `${RUN}-2` },
          { type: 'page', anonymousId: phone, name: 'Sale', messageId: `${RUN}-3` },
        ]);
        const view = await profile(
          context,
          `anonymous_id:${laptop}`,
          (v) => v.computed.eventCount === 2,
        );
        return `two anonymous profiles so far; the laptop's holds ${list(view)}`;
      },
    },
    {
      title: 'log in on both devices with the same account',
      run: async (context) => {
        await track(context, [
          {
            type: 'identify',
            anonymousId: laptop,
            userId: user,
            traits: { email: `Tour.${RUN}@Example.com`, phone: PHONE, plan: 'pro' },
            messageId: `${RUN}-4`,
          },
          { type: 'identify', anonymousId: phone, userId: user, messageId: `${RUN}-5` },
        ]);
        const view = await profile(context, `user_id:${user}`, (v) => v.computed.eventCount === 5);
        return `one profile: ${list(view)} (email lower-cased, phone in E.164)`;
      },
    },
    {
      title: 'import a CRM file: a record with no shared identifier is matched probabilistically',
      run: async (context) => {
        const csv = [
          CSV_HEADER,
          `crm-${RUN}-a,Katherine,Okafor,1990-04-12,tour.${RUN}@example.com,,44 Willow Lane,Salem,19044`,
          `crm-${RUN}-b,Kate,Okafor,1990-12-04,,,44 Willow Ln,Salem,19044`,
          // The rest of the CRM file: EM learns m and u from the whole batch, unlabelled.
          ...generateRecords({ people: 200, corruption: 0.2, seed: 7 }).map((r) =>
            toCsvRow({ ...r, id: `crm-${RUN}-${r.id}` }),
          ),
        ].join('\n');
        const response = await admin(context, '/v1/imports', {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: csv,
        });
        const summary = (await response.json()) as {
          matches: number;
          examples: { probability: number; fields: { field: string; weight: number }[] }[];
        };
        const view = await profile(context, `user_id:${user}`, (v) =>
          v.identities.some((i) => i.value === `crm-${RUN}-b`),
        );
        const pair =
          summary.examples.find(
            (e) => e.fields.length > 0 && JSON.stringify(e).includes(`crm-${RUN}-b`),
          ) ?? summary.examples[0];
        const why = pair?.fields.map((f) => `${f.field} ${f.weight.toFixed(1)}`).join(', ');
        return `${summary.matches} link(s); "Kate" (nickname, swapped date, no email) joined the profile; weights: ${why}; identities now ${view.identities.length}`;
      },
    },
    {
      title: 'look the person up by any identifier (served from Redis)',
      run: async (context) => {
        const started = performance.now();
        const response = await admin(
          context,
          `/v1/profiles/${encodeURIComponent(`phone:${PHONE}`)}`,
        );
        const elapsed = performance.now() - started;
        const view = (await response.json()) as View;
        return `${response.headers.get('x-profile-source')} hit in ${elapsed.toFixed(1)} ms: ${view.identities.length} identities, ${view.computed.eventCount} events`;
      },
    },
    {
      title:
        'undo a wrong merge (a family tablet), then log in on the tablet again: it stays undone',
      run: async (context) => {
        const cyEmail = `cy.${RUN}@example.com`;
        const login = { type: 'identify', anonymousId: tablet, userId: bo };
        await track(context, [
          {
            type: 'identify',
            anonymousId: tablet,
            traits: { email: cyEmail },
            messageId: `${RUN}-7`,
          },
        ]);
        await profile(context, `email:${cyEmail}`, () => true);
        await track(context, [{ ...login, messageId: `${RUN}-8` }]);
        const merged = await profile(context, `user_id:${bo}`, (v) => v.identities.length === 3);
        const response = await postJson(context, '/v1/splits', {
          identifier: `anonymous_id:${tablet}`,
          from: `user_id:${bo}`,
          reason: 'family tablet: Bo and Cy are different people',
        });
        const { profiles } = (await response.json()) as { profiles: { identities: string[] }[] };
        await track(context, [{ ...login, messageId: `${RUN}-9` }]);
        const after = await profile(context, `user_id:${bo}`, (v) => v.computed.eventCount === 2);
        const audit = (await (
          await admin(context, `/v1/profiles/${encodeURIComponent(`user_id:${bo}`)}/audit`)
        ).json()) as { entries: { action: string; reason: string }[] };
        const blocked = audit.entries.find((e) => e.action === 'merge_blocked');
        const parts = profiles.map((p) => `[${p.identities.join(', ')}]`).join(' and ');
        return `one wrong profile of ${merged.identities.length} identities split into ${parts}; the same login again leaves Bo with ${list(after)}; audit: "${blocked?.reason ?? 'no blocked merge'}"`;
      },
    },
    {
      title: 'erase the person (GDPR), then send one more event as them',
      run: async (context) => {
        const response = await postJson(context, '/v1/erasures', {
          identifier: `user_id:${user}`,
        });
        const receipt = (await response.json()) as {
          identities: number;
          events: number;
          records: number;
        };
        await track(context, [
          { type: 'track', userId: user, event: 'Came Back', messageId: `${RUN}-6` },
        ]);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const after = await admin(context, `/v1/profiles/user_id:${user}`);
        return `erased ${receipt.identities} identities, ${receipt.events} events, ${receipt.records} CRM records; the new event was suppressed: lookup answers ${after.status}`;
      },
    },
  ],
});
