import { fileURLToPath } from 'node:url';
import { createPool, ensureDatabase, migrate } from '@scale-models/postgres';
import type { Redis } from 'ioredis';
import { CardVault } from '../adapters/card-vault.ts';
import { LedgerStore } from '../adapters/ledger-store.ts';
import { PspClient } from '../adapters/psp-client.ts';
import { createRoutingStore } from '../adapters/routing-store.ts';
import { createVelocityStore } from '../adapters/velocity-store.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_WINDOW } from '../domain/routing/routing-memory.ts';
import { MerchantKeys } from '../api/authenticate.ts';
import { PSP_CONTRACTS } from '../domain/psp-contracts.ts';
import type { RoutingStrategy } from '../domain/routing/choose-route.ts';
import type { Random } from '@scale-models/seeded-random';
import type { RoutingRule } from '../domain/routing/routing-rules.ts';
import { GROUP_COMMIT_DEFAULTS } from './batcher.ts';
import { createBeginBatcher } from './begin-payment.ts';
import { createFinishBatcher } from './finish-payment.ts';
import { IdempotencyStore } from './idempotency-store.ts';
import type { PaymentDeps } from './payment-deps.ts';
import { RoutingEngine } from './routing-engine.ts';

export const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface PaymentSetup {
  pgUrl: string;
  redis: Redis;
  pspUrls: ReadonlyMap<string, string>;
  merchantKeys: ReadonlyMap<string, string>;
  vaultKey: string;
  strategy: RoutingStrategy;
  rules: readonly RoutingRule[];
  pspTimeoutMs: number;
  leaseMs: number;
  random?: Random;
  /**
   * Group commit of key claims, begin steps, finish steps and key completions (default 64
   * per batch, no wait); maxBatch 1 turns it off.
   */
  groupCommit?: { maxBatch: number; maxWaitMs: number };
  crashAt?: 'after_psp_approval';
}

/** Wires the router's dependencies (shared by the entrypoint, tests and benchmarks). */
export async function createPaymentDeps(
  setup: PaymentSetup,
): Promise<PaymentDeps & { merchants: MerchantKeys }> {
  await ensureDatabase(setup.pgUrl);
  const pool = createPool(setup.pgUrl, { applicationName: 'payment-router' });
  await migrate(pool, { directories: [MIGRATIONS], outbox: true });
  const merchants = new MerchantKeys(setup.merchantKeys);
  for (const [merchantId, keySha256] of merchants.entries()) {
    await pool.query(
      `INSERT INTO merchants (id, api_key_sha256) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET api_key_sha256 = EXCLUDED.api_key_sha256`,
      [merchantId, keySha256],
    );
  }
  const groupCommit = setup.groupCommit ?? GROUP_COMMIT_DEFAULTS;
  const contracts = PSP_CONTRACTS.filter((contract) => setup.pspUrls.has(contract.name));
  return {
    pool,
    merchants,
    vault: new CardVault(setup.vaultKey),
    ledger: new LedgerStore(pool),
    psps: new Map(
      contracts.map((c) => [
        c.name,
        new PspClient(c.name, setup.pspUrls.get(c.name)!, setup.pspTimeoutMs),
      ]),
    ),
    routing: new RoutingEngine({
      store: createRoutingStore(setup.redis, {
        psps: contracts.map((contract) => contract.name),
        rateWindow: DEFAULT_RATE_WINDOW,
        breaker: DEFAULT_BREAKER,
      }),
      psps: contracts,
      rules: setup.rules,
      strategy: setup.strategy,
      random: setup.random ?? Math.random,
    }),
    velocity: createVelocityStore(setup.redis),
    idempotency: new IdempotencyStore(
      pool,
      setup.leaseMs,
      groupCommit.maxBatch > 1 ? groupCommit : undefined,
    ),
    ...(groupCommit.maxBatch > 1
      ? {
          beginner: createBeginBatcher(pool, groupCommit),
          finisher: createFinishBatcher(pool, groupCommit),
        }
      : {}),
    leaseMs: setup.leaseMs,
    ...(setup.crashAt === undefined ? {} : { crashAt: setup.crashAt }),
  };
}
