import type pg from 'pg';
import type { CardVault } from '../adapters/card-vault.ts';
import type { LedgerStore } from '../adapters/ledger-store.ts';
import type { PspClient } from '../adapters/psp-client.ts';
import type { VelocityStore } from '../adapters/velocity-store.ts';
import type { Batcher } from './batcher.ts';
import type { NewPayment } from './begin-payment.ts';
import type { FinishItem } from './finish-payment.ts';
import type { IdempotencyStore } from './idempotency-store.ts';
import type { PaymentRow } from './payment-view.ts';
import type { RoutingEngine } from './routing-engine.ts';

export interface PaymentDeps {
  pool: pg.Pool;
  vault: CardVault;
  ledger: LedgerStore;
  psps: ReadonlyMap<string, PspClient>;
  routing: RoutingEngine;
  velocity: VelocityStore;
  idempotency: IdempotencyStore;
  /** Group commit of begin steps; without it each begin step commits alone. */
  beginner?: Batcher<NewPayment, PaymentRow>;
  /** Group commit of finish steps; without it each finish step commits alone. */
  finisher?: Batcher<FinishItem, PaymentRow>;
  /** How long a request owns a processing payment before recovery may take it. */
  leaseMs: number;
  /** Test hook: SIGKILL the process at this point of an authorization. */
  crashAt?: 'after_psp_approval';
}
