import { createPool, migrate } from '@scale-models/postgres';
import { createTestDatabase } from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import type pg from 'pg';
import { MIGRATIONS } from '../../src/payments/create-payment-deps.ts';

export interface SeededDatabase {
  database: TestDatabase;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * A migrated payment-router database holding merchant `m` and a vaulted card `tok`, for tests
 * that write payments and ledger rows in SQL without the API.
 */
export async function createSeededDatabase(name: string): Promise<SeededDatabase> {
  const database = await createTestDatabase(name);
  const pool = createPool(database.url);
  await migrate(pool, { directories: [MIGRATIONS], outbox: true });
  await pool.query(`INSERT INTO merchants VALUES ('m', '\\x00')`);
  await pool.query(`INSERT INTO card_vault (token, fingerprint, pan_ciphertext, pan_iv, pan_tag, brand, bin, last4, exp_month, exp_year)
                    VALUES ('tok', '\\x01', '\\x02', '\\x03', '\\x04', 'visa', '424242', '4242', 1, 2030)`);
  return {
    database,
    pool,
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}
