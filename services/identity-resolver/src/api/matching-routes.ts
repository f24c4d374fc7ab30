import { ConflictError, InputError, NotFoundError } from '@scale-models/errors';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import type { MatchStore } from '../adapters/match-store.ts';
import { linkRecords } from '../domain/matching/link-records.ts';
import type { PairResult } from '../domain/matching/link-records.ts';
import { matchIncoming } from '../domain/matching/match-incoming.ts';
import type { MatchRecord } from '../domain/matching/match-record.ts';
import { parseRecordsCsv } from '../domain/matching/parse-records-csv.ts';
import { recordEvent } from '../domain/matching/record-event.ts';
import type { MatchedRecord } from '../domain/tracking/extract-identifiers.ts';
import type { ReceivedEvent } from '../domain/tracking/tracking-message.ts';

export interface MatchingDeps {
  store: MatchStore;
  publish(events: ReceivedEvent[]): Promise<void>;
  defaultCountry: string;
}

const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const RecordBody = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  firstName: Type.String({ default: '' }),
  lastName: Type.String({ default: '' }),
  birthDate: Type.String({ default: '', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' }),
  email: Type.String({ default: '' }),
  phone: Type.String({ default: '' }),
  address: Type.Object(
    {
      street: Type.String({ default: '' }),
      city: Type.String({ default: '' }),
      zip: Type.String({ default: '' }),
    },
    { default: {} },
  ),
});

/** Partners of each record among the pairs linked (a batch: its cluster-mates by direct match). */
function partnersOf(pairs: PairResult[]): Map<string, MatchedRecord[]> {
  const partners = new Map<string, MatchedRecord[]>();
  const add = (id: string, other: string, probability: number) => {
    const list = partners.get(id) ?? [];
    list.push({ recordId: other, probability });
    partners.set(id, list);
  };
  for (const pair of pairs) {
    add(pair.a, pair.b, pair.probability);
    add(pair.b, pair.a, pair.probability);
  }
  return partners;
}

const explain = (pair: PairResult) => ({
  a: pair.a,
  b: pair.b,
  decision: pair.decision,
  probability: pair.probability,
  weight: pair.weight,
  fields: pair.fields,
});

/** CRM imports: batch linkage over a CSV, incremental matching of one record, the review band. */
export function matchingRoutes(deps: MatchingDeps): RoutePlugin {
  return (app) => {
    app.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES },
      (_request, body, done) => {
        done(null, body);
      },
    );

    app.post(
      '/v1/imports',
      { schema: { consumes: ['text/csv'] }, bodyLimit: MAX_IMPORT_BYTES },
      async (request, reply) => {
        if (typeof request.body !== 'string')
          throw new InputError('import.not_csv', 'Send the records as text/csv.');
        const { records } = parseCsvOrThrow(request.body);
        const result = linkRecords(records, { defaultCountry: deps.defaultCountry });
        await deps.store.saveBatch(records, result);
        const partners = partnersOf(result.matches);
        const now = new Date();
        await deps.publish(
          records.map((record) => recordEvent(record, partners.get(record.id) ?? [], now)),
        );
        return reply.status(202).send({
          records: records.length,
          comparisons: result.comparisons,
          allPairs: result.allPairs,
          emIterations: result.emIterations,
          matches: result.matches.length,
          reviews: result.reviews.length,
          clusters: result.clusters.length,
          oversizedBlocks: result.oversizedBlocks,
          model: result.model,
          examples: result.matches.slice(0, 5).map(explain),
        });
      },
    );

    app.post('/v1/records', { schema: { body: RecordBody } }, async (request, reply) => {
      const record: MatchRecord = request.body;
      const model = await deps.store.latestModel();
      if (model === undefined)
        throw new ConflictError(
          'matching.no_model',
          'Import a batch first: its EM run trains the model.',
        );
      const scored = matchIncoming(
        record,
        await deps.store.candidatesFor(record),
        model,
        undefined,
        deps.defaultCountry,
      );
      const matches = scored.filter((pair) => pair.decision === 'match');
      await deps.store.saveRecord(
        record,
        scored.filter((pair) => pair.decision === 'review'),
      );
      await deps.publish([
        recordEvent(
          record,
          matches.map((m) => ({ recordId: m.b, probability: m.probability })),
          new Date(),
        ),
      ]);
      return reply.status(202).send({
        record: record.id,
        candidates: scored.length,
        results: scored.slice(0, 10).map(explain),
      });
    });

    app.get(
      '/v1/match-reviews',
      {
        schema: {
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          }),
        },
      },
      async (request) => ({
        reviews: (await deps.store.openReviews(request.query.limit)).map(explain),
      }),
    );

    app.post(
      '/v1/match-reviews/:a/:b',
      {
        schema: {
          params: Type.Object({ a: Type.String(), b: Type.String() }),
          body: Type.Object({
            decision: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]),
          }),
        },
      },
      async (request) => {
        const { a, b } = request.params;
        const decided = await deps.store.decideReview(a, b, request.body.decision);
        if (decided === undefined)
          throw new NotFoundError('review.not_found', 'No open review for this pair.');
        if (request.body.decision === 'accepted') {
          const [record] = await deps.store.recordsById([a]);
          if (record !== undefined)
            await deps.publish([
              recordEvent(record, [{ recordId: b, probability: decided.probability }], new Date()),
            ]);
        }
        return explain(decided);
      },
    );
  };
}

function parseCsvOrThrow(text: string) {
  try {
    const parsed = parseRecordsCsv(text);
    if (parsed.records.length === 0)
      throw new InputError('import.empty', 'The file has no records.');
    return parsed;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      'import.malformed_csv',
      `The file is not valid CSV: ${(error as Error).message}`,
    );
  }
}
