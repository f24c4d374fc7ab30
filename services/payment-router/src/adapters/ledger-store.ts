import { ConflictError } from '@scale-models/errors';
import type pg from 'pg';
import type { LedgerAccount, Transfer } from '../domain/ledger.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * Posts transfers to the ledger. After the account locks, one statement inserts the transfers (an id already posted is
 * skipped: the transfer id is its idempotency key), their entries, and adds the entries to the
 * cached balances; the database checks that each transfer balances per currency (statement
 * trigger) and that no account that may not go negative does (CHECK). Returns the ids posted now.
 */
export class LedgerStore {
  private readonly knownAccounts = new Set<string>();
  private readonly pool: Queryable;

  /** `pool` creates accounts outside the caller's transaction, so a rollback cannot undo one this cache remembers. */
  constructor(pool: Queryable) {
    this.pool = pool;
  }

  async post(client: Queryable, transfers: readonly Transfer[]): Promise<string[]> {
    await this.ensureAccounts(transfers);
    const entries = transfers.flatMap((transfer) =>
      transfer.entries.map((entry) => ({ transfer: transfer.id, ...entry })),
    );
    // Lock the accounts in one order (by code) before touching them: two transactions that
    // share accounts then queue instead of deadlocking.
    const codes = [...new Set(entries.map((entry) => entry.account.code))].sort();
    await client.query(
      'SELECT 1 FROM ledger_accounts WHERE code = ANY($1) ORDER BY code FOR NO KEY UPDATE',
      [codes],
    );
    try {
      const { rows } = await client.query<{ id: string }>(POST_TRANSFERS, [
        transfers.map((transfer) => transfer.id),
        transfers.map((transfer) => transfer.kind),
        transfers.map((transfer) => transfer.paymentId),
        entries.map((entry) => entry.transfer),
        entries.map((entry) => entry.account.code),
        entries.map((entry) => entry.account.currency),
        entries.map((entry) => entry.amount),
      ]);
      return rows.map((row) => row.id);
    } catch (error) {
      if ((error as { constraint?: string }).constraint === 'balance_not_negative') {
        throw new ConflictError('ledger.insufficient_balance', 'An account would go negative.', {
          cause: error,
        });
      }
      throw error;
    }
  }

  private async ensureAccounts(transfers: readonly Transfer[]): Promise<void> {
    const missing = new Map<string, LedgerAccount>();
    for (const { entries } of transfers) {
      for (const { account } of entries) {
        if (!this.knownAccounts.has(account.code)) missing.set(account.code, account);
      }
    }
    if (missing.size === 0) return;
    const list = [...missing.values()];
    await this.pool.query(
      `INSERT INTO ledger_accounts (code, currency, allow_negative)
       SELECT * FROM unnest($1::text[], $2::char(3)[], $3::boolean[]) ON CONFLICT DO NOTHING`,
      [list.map((a) => a.code), list.map((a) => a.currency), list.map((a) => a.allowNegative)],
    );
    for (const account of list) this.knownAccounts.add(account.code);
  }
}

const POST_TRANSFERS = `
WITH posted AS (
  INSERT INTO ledger_transfers (id, kind, payment_id)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[])
  ON CONFLICT (id) DO NOTHING
  RETURNING id
), entries AS (
  INSERT INTO ledger_entries (transfer_id, account_code, currency, amount)
  SELECT e.transfer_id, e.account_code, e.currency, e.amount
  FROM unnest($4::uuid[], $5::text[], $6::char(3)[], $7::bigint[])
       AS e(transfer_id, account_code, currency, amount)
  JOIN posted p ON p.id = e.transfer_id
  RETURNING account_code, amount
), balances AS (
  UPDATE ledger_accounts a SET balance = a.balance + d.delta
  FROM (SELECT account_code, sum(amount) AS delta FROM entries GROUP BY account_code) d
  WHERE a.code = d.account_code
)
SELECT id FROM posted`;

export interface TrialBalance {
  /** Sum of all balances per currency: zero when the books balance. */
  totals: Record<string, number>;
  /** Accounts whose cached balance differs from the sum of their entries. */
  driftedAccounts: string[];
  /** Transfers whose entries do not sum to zero per currency. */
  unbalancedTransfers: string[];
  accounts: { code: string; currency: string; balance: number }[];
}

/** Checks the books from the entries up, independently of the cached balances. */
export async function trialBalance(client: Queryable): Promise<TrialBalance> {
  const [accounts, drift, unbalanced] = await Promise.all([
    client.query<{ code: string; currency: string; balance: string }>(
      'SELECT code, currency, balance FROM ledger_accounts ORDER BY code',
    ),
    client.query<{ code: string }>(
      `SELECT a.code FROM ledger_accounts a
       LEFT JOIN (SELECT account_code, sum(amount) AS total FROM ledger_entries GROUP BY 1) e
         ON e.account_code = a.code
       WHERE a.balance <> coalesce(e.total, 0)`,
    ),
    client.query<{ transfer_id: string }>(
      `SELECT DISTINCT transfer_id FROM ledger_entries GROUP BY transfer_id, currency
       HAVING sum(amount) <> 0`,
    ),
  ]);
  const totals: Record<string, number> = {};
  const list = accounts.rows.map((row) => ({ ...row, balance: Number(row.balance) }));
  for (const account of list)
    totals[account.currency] = (totals[account.currency] ?? 0) + account.balance;
  return {
    totals,
    driftedAccounts: drift.rows.map((row) => row.code),
    unbalancedTransfers: unbalanced.rows.map((row) => row.transfer_id),
    accounts: list,
  };
}
