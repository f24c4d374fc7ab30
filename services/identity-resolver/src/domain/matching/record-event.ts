import { createHash } from 'node:crypto';
import { CRM_IMPORT_SOURCE } from '../tracking/extract-identifiers.ts';
import type { MatchedRecord } from '../tracking/extract-identifiers.ts';
import type { ReceivedEvent } from '../tracking/tracking-message.ts';
import type { MatchRecord } from './match-record.ts';

/**
 * An imported record as an identify call of the CRM source, so it takes the same path into
 * the graph as tracked calls (merge limits, audit, suppression). Records it matched travel
 * along and become edges. The messageId hashes the content: importing the same file twice
 * changes nothing.
 */
export function recordEvent(
  record: MatchRecord,
  matched: MatchedRecord[],
  receivedAt: Date,
): ReceivedEvent {
  const traits = {
    crm_id: record.id,
    first_name: record.firstName,
    last_name: record.lastName,
    birth_date: record.birthDate,
    email: record.email,
    phone: record.phone,
    address: record.address,
  };
  const nonEmpty = Object.fromEntries(Object.entries(traits).filter(([, value]) => value !== ''));
  const digest = createHash('sha256')
    .update(JSON.stringify([nonEmpty, matched]))
    .digest('hex')
    .slice(0, 24);
  return {
    type: 'identify',
    messageId: `crm-${record.id}-${digest}`,
    source: CRM_IMPORT_SOURCE,
    traits: nonEmpty,
    context: { matchedRecords: matched },
    timestamp: receivedAt.toISOString(),
    receivedAt: receivedAt.toISOString(),
  };
}
