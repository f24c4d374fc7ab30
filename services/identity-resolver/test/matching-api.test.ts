import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, generateRecords, toCsvRow } from '../bench/accuracy/generate-people.ts';
import { createHarness } from './support/harness.ts';
import type { Harness } from './support/harness.ts';
import { readAll } from './support/kafka-helpers.ts';
import { sendBatch } from './support/send.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
  await harness.startResolver();
});
afterAll(() => harness.close());

interface View {
  profileId: string;
  identities: { type: string; value: string }[];
  traits: Record<string, { value: unknown; source: string }>;
}

const lookup = (identifier: string) =>
  harness.app.inject({
    url: `/v1/profiles/${encodeURIComponent(identifier)}`,
    headers: harness.admin,
  });

const importCsv = (csv: string) =>
  harness.app.inject({
    method: 'POST',
    url: '/v1/imports',
    headers: { ...harness.admin, 'content-type': 'text/csv' },
    payload: csv,
  });

describe('CRM import matched probabilistically', () => {
  it('links records that share no identifier, merges them into one profile, explains the weight', async () => {
    const noise = generateRecords({ people: 120, corruption: 0.15, seed: 3 });
    const ann = {
      id: 'crm-ann-1',
      firstName: 'Katherine',
      lastName: 'Okafor',
      birthDate: '1990-04-12',
      email: 'kokafor@example.net',
      phone: '617 555 0100',
      address: { street: '44 Willow Lane', city: 'Salem', zip: '19044' },
    };
    const annAgain = {
      id: 'crm-ann-2',
      firstName: 'Kate',
      lastName: 'Okafor',
      birthDate: '1990-12-04',
      email: '',
      phone: '',
      address: { street: '44 Willow Ln', city: 'Salem', zip: '19044' },
    };
    const csv = [CSV_HEADER, toCsvRow(ann), toCsvRow(annAgain), ...noise.map(toCsvRow)].join('\n');
    const response = await importCsv(csv);
    expect(response.statusCode).toBe(202);
    const summary = response.json<{
      records: number;
      comparisons: number;
      allPairs: number;
      matches: number;
    }>();
    expect(summary.records).toBe(noise.length + 2);
    expect(summary.comparisons).toBeLessThan(summary.allPairs / 20);

    // Both records end up in one profile: the second carries none of the first's identifiers.
    const view = await eventually(
      async () => {
        const found = await lookup('crm_id:crm-ann-2');
        expect(found.statusCode).toBe(200);
        const body = found.json<View>();
        expect(body.identities.map((i) => i.value)).toEqual(
          expect.arrayContaining(['crm-ann-1', 'crm-ann-2', 'kokafor@example.net', '+16175550100']),
        );
        return body;
      },
      { timeoutMs: 30_000 },
    );
    expect(view.traits.first_name?.source).toBe('crm-import');
    const audit = await harness.app.inject({
      url: `/v1/profiles/crm_id:crm-ann-1/audit`,
      headers: harness.admin,
    });
    expect(JSON.stringify(audit.json())).toContain('probabilistic match');

    // Importing the same file again changes nothing (content-derived message ids).
    const again = await importCsv(csv);
    expect(again.statusCode).toBe(202);
  });

  it('matches a new record incrementally against the stored ones, with per-field weights', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: harness.admin,
      payload: {
        id: 'crm-ann-3',
        firstName: 'Katie',
        lastName: 'Okafor',
        birthDate: '1990-04-12',
        email: 'KOkafor@example.net',
        phone: '',
        address: { street: '', city: '', zip: '' },
      },
    });
    expect(response.statusCode).toBe(202);
    const body = response.json<{
      results: { b: string; decision: string; fields: { field: string; weight: number }[] }[];
    }>();
    const best = body.results[0]!;
    expect(best).toMatchObject({ b: 'crm-ann-1', decision: 'match' });
    expect(best.fields.find((f) => f.field === 'phone')?.weight).toBe(0); // missing: no evidence
    expect(best.fields.find((f) => f.field === 'birthDate')!.weight).toBeGreaterThan(0);
    await eventually(
      async () => {
        const found = await lookup('crm_id:crm-ann-3');
        expect(found.json<View>().identities.map((i) => i.value)).toContain('crm-ann-1');
      },
      { timeoutMs: 20_000 },
    );
  });

  it('lists the clerical-review band and refuses a file that is not CSV', async () => {
    const reviews = await harness.app.inject({ url: '/v1/match-reviews', headers: harness.admin });
    expect(reviews.statusCode).toBe(200);
    for (const review of reviews.json<{ reviews: { probability: number }[] }>().reviews) {
      expect(review.probability).toBeGreaterThanOrEqual(0.6);
      expect(review.probability).toBeLessThan(0.97);
    }
    const broken = await harness.app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { ...harness.admin, 'content-type': 'text/csv' },
      payload: 'id,first_name\n"unterminated,x',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ code: 'import.malformed_csv' });
  });
});

describe('segments and consent', () => {
  it('publishes entered and exited events as membership changes, and filters activation by consent', async () => {
    const put = await harness.app.inject({
      method: 'PUT',
      url: '/v1/segments/repeat-buyers',
      headers: harness.admin,
      payload: {
        name: 'Repeat buyers',
        rule: {
          match: 'all',
          conditions: [
            { event: 'Order Completed', withinDays: 30, op: 'gte', count: 2 },
            { field: 'traits.plan', op: 'neq', value: 'churned' },
          ],
        },
      },
    });
    expect(put.statusCode).toBe(200);
    const order = (userId: string) => ({
      type: 'track',
      userId,
      event: 'Order Completed',
      properties: { revenue: 5 },
    });
    await sendBatch(harness.app, [
      {
        type: 'identify',
        userId: 'hal',
        traits: { plan: 'pro' },
        context: { consent: { categoryPreferences: { Advertising: true } } },
      },
      order('hal'),
      order('hal'),
      { type: 'identify', userId: 'ivy', traits: { plan: 'pro' } },
      order('ivy'),
      order('ivy'),
    ]);
    const members = (purpose?: string) =>
      harness.app.inject({
        url: `/v1/segments/repeat-buyers/members${purpose === undefined ? '' : `?purpose=${purpose}`}`,
        headers: harness.admin,
      });
    await eventually(
      async () => expect((await members()).json<{ members: string[] }>().members).toHaveLength(2),
      { timeoutMs: 20_000 },
    );
    const hal = (await lookup('user_id:hal')).json<View>().profileId;
    expect((await members('Advertising')).json<{ members: string[] }>().members).toEqual([hal]);

    // Consent from the API: ivy opts in, hal opts out.
    await harness.app.inject({
      method: 'PUT',
      url: '/v1/profiles/user_id:ivy/consent',
      headers: harness.admin,
      payload: { purposes: { Advertising: true } },
    });
    await harness.app.inject({
      method: 'PUT',
      url: '/v1/profiles/user_id:hal/consent',
      headers: harness.admin,
      payload: { purposes: { Advertising: false } },
    });
    const ivy = (await lookup('user_id:ivy')).json<View>().profileId;
    expect((await members('Advertising')).json<{ members: string[] }>().members).toEqual([ivy]);

    await sendBatch(harness.app, [
      { type: 'identify', userId: 'hal', traits: { plan: 'churned' } },
    ]);
    const { kafka, contracts } = harness.stores;
    await eventually(
      async () => {
        const entered = await readAll(
          kafka,
          contracts.segmentEntered.topic,
          `${harness.config.CONSUMER_GROUP}-in-${Date.now()}`,
        );
        const exited = await readAll(
          kafka,
          contracts.segmentExited.topic,
          `${harness.config.CONSUMER_GROUP}-out-${Date.now()}`,
        );
        expect(entered.map((r) => r.key)).toEqual(expect.arrayContaining([hal, ivy]));
        expect(exited.map((r) => r.key)).toContain(hal);
        expect(JSON.parse(exited.find((r) => r.key === hal)!.value!)).toMatchObject({
          data: { segmentId: 'repeat-buyers', profileId: hal },
        });
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  });

  it('a profile leaves a windowed segment when its window expires, with no new event', async () => {
    await harness.app.inject({
      method: 'PUT',
      url: '/v1/segments/pricing-visitors',
      headers: harness.admin,
      payload: {
        name: 'Viewed pricing in the last day',
        rule: {
          match: 'all',
          conditions: [{ event: 'Viewed Pricing', withinDays: 1, op: 'gte', count: 1 }],
        },
      },
    });
    // Seen a day ago less three seconds: in the segment now, out of it in three seconds.
    const timestamp = new Date(Date.now() - 24 * 3600 * 1000 + 3000).toISOString();
    await sendBatch(harness.app, [
      { type: 'track', userId: 'jo', event: 'Viewed Pricing', timestamp },
    ]);
    const segmentsOfJo = async () => {
      const response = await lookup('user_id:jo');
      expect(response.statusCode).toBe(200);
      return response.json<{ profileId: string; segments: string[] }>();
    };
    const entered = await eventually(
      async () => {
        const jo = await segmentsOfJo();
        expect(jo.segments).toContain('pricing-visitors');
        return jo;
      },
      { timeoutMs: 20_000 },
    );
    await eventually(async () => expect((await segmentsOfJo()).segments).toEqual([]), {
      timeoutMs: 20_000,
    });
    const { kafka, contracts } = harness.stores;
    await eventually(
      async () => {
        const exited = await readAll(
          kafka,
          contracts.segmentExited.topic,
          `${harness.config.CONSUMER_GROUP}-expiry-${Date.now()}`,
        );
        const data = exited
          .filter((r) => r.key === entered.profileId)
          .map((r) => (JSON.parse(r.value!) as { data: { segmentId: string } }).data);
        expect(data).toEqual([expect.objectContaining({ segmentId: 'pricing-visitors' })]);
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    const { rows } = await harness.stores.pool.query(
      'SELECT 1 FROM segment_reevaluations WHERE profile_id = $1',
      [entered.profileId],
    );
    expect(rows).toHaveLength(0);
  });

  it('refuses a segment rule that does not match the schema', async () => {
    const response = await harness.app.inject({
      method: 'PUT',
      url: '/v1/segments/bad',
      headers: harness.admin,
      payload: { name: 'x', rule: { match: 'all', conditions: [{ field: 'plan', op: 'like' }] } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'request.invalid' });
  });
});
