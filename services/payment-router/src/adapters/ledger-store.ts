import { ConflictError } from '@scale-models/errors';
import type pg from 'pg';
import type { LedgerAccount, Transfer } from '../domain/ledger.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Balance rows per account (see migrations/0001, ledger_balances). */
export const BALANCE_SHARDS = 16;

/** The shard of a transfer: its payment's, so an authorization and its capture share one. */
export function shardOf(transfer: Transfer): number {
  return Number.parseInt((transfer.paymentId ?? transfer.id).slice(-4), 16) % BALANCE_SHARDS;
}

/**
 * Posts transfers to the ledger in one round trip: the SQL function `ledger_post`
 * (migrations/0002) locks the balance rows they touch in one order, inserts the transfers (an
 * id already posted is skipped: the transfer id is its idempotency key), their entries, and
 * adds the entries to the cached balances; the database checks that each transfer balances per
 * currency (statement trigger) and that no account that may not go negative does (CHECK).
 * Returns the ids posted now.
 */
export class LedgerStore {
  private readonly knownAccounts = new Set<string>();
  private readonly pool: Queryable;

  /** `pool` creates accounts outside the caller's transaction, so a rollback cannot undo one this cache remembers. */
  constructor(pool: Queryable) {
    this.pool = pool;
  }

  async post(client: Queryable, transfers: readonly Transfer[]): Promise<string[]> {
    try {
      const posted = await client.query<{ id: string }>({
        name: 'ledger_post',
        text: 'SELECT id FROM ledger_post($1::jsonb) AS id',
        values: [await this.prepare(transfers)],
      });
      return posted.rows.map((row) => row.id);
    } catch (error) {
      if ((error as { constraint?: string }).constraint === 'balance_not_negative') {
        throw new ConflictError('ledger.insufficient_balance', 'An account would go negative.', {
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * The transfers as `ledger_post` takes them (JSON, each entry with its balance shard), once
   * their accounts exist: for callers that post inside a larger SQL function.
   */
  async prepare(transfers: readonly Transfer[]): Promise<string> {
    return JSON.stringify(await this.prepareRows(transfers));
  }

  /** What `prepare` gives, before JSON: for callers that send it inside a larger document. */
  async prepareRows(transfers: readonly Transfer[]) {
    await this.ensureAccounts(transfers);
    return transfers.map((transfer) => ({
      id: transfer.id,
      kind: transfer.kind,
      paymentId: transfer.paymentId,
      entries: transfer.entries.map((entry) => ({
        account: entry.account.code,
        currency: entry.account.currency,
        shard: shardOf(transfer),
        amount: entry.amount,
      })),
    }));
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
      `WITH accounts AS (
         INSERT INTO ledger_accounts (code, currency, allow_negative)
         SELECT * FROM unnest($1::text[], $2::char(3)[], $3::boolean[]) ON CONFLICT DO NOTHING
       )
       INSERT INTO ledger_balances (account_code, shard, allow_negative)
       SELECT a.code, s, a.allow_negative
       FROM unnest($1::text[], $3::boolean[]) AS a(code, allow_negative), generate_series(0, $4 - 1) AS s
       ON CONFLICT DO NOTHING`,
      [
        list.map((a) => a.code),
        list.map((a) => a.currency),
        list.map((a) => a.allowNegative),
        BALANCE_SHARDS,
      ],
    );
    for (const account of list) this.knownAccounts.add(account.code);
  }
}

export interface TrialBalance {
  /** Sum of all balances per currency: zero when the books balance. */
  totals: Record<string, number>;
  /** Accounts whose cached balance (any shard) differs from the sum of their entries. */
  driftedAccounts: string[];
  /** Transfers whose entries do not sum to zero per currency. */
  unbalancedTransfers: string[];
  accounts: { code: string; currency: string; balance: number }[];
}

/** Checks the books from the entries up, independently of the cached balances. */
export async function trialBalance(client: Queryable): Promise<TrialBalance> {
  const [accounts, drift, unbalanced] = await Promise.all([
    client.query<{ code: string; currency: string; balance: string }>(
      'SELECT code, currency, balance FROM ledger_account_balances ORDER BY code',
    ),
    client.query<{ code: string }>(
      `SELECT DISTINCT b.account_code AS code FROM ledger_balances b
       LEFT JOIN (SELECT account_code, shard, sum(amount) AS total FROM ledger_entries GROUP BY 1, 2) e
         ON e.account_code = b.account_code AND e.shard = b.shard
       WHERE b.balance <> coalesce(e.total, 0)`,
    ),
    client.query<{ transfer_id: string }>(
      `SELECT DISTINCT transfer_id FROM ledger_entries GROUP BY transfer_id, currency
       HAVING sum(amount) <> 0`,
    ),
  ]);
  const totals: Record<string, number> = {};
  const list = accounts.rows.map((row) => ({ ...row, balance: Number(row.balance) }));
  for (const account of list) {
    totals[account.currency] = (totals[account.currency] ?? 0) + account.balance;
  }
  return {
    totals,
    driftedAccounts: drift.rows.map((row) => row.code),
    unbalancedTransfers: unbalanced.rows.map((row) => row.transfer_id),
    accounts: list,
  };
}
