-- Merchants authenticate with an API key; only its SHA-256 is stored.
CREATE TABLE merchants (
  id text PRIMARY KEY,
  api_key_sha256 bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The card vault: the PAN only as AES-256-GCM ciphertext; the fingerprint (an HMAC of the
-- PAN) finds a card again without decrypting anything.
CREATE TABLE card_vault (
  token text PRIMARY KEY,
  fingerprint bytea NOT NULL UNIQUE,
  pan_ciphertext bytea NOT NULL,
  pan_iv bytea NOT NULL,
  pan_tag bytea NOT NULL,
  brand text NOT NULL,
  bin char(6) NOT NULL,
  last4 char(4) NOT NULL,
  exp_month smallint NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year smallint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The payment state machine: the statuses, and every legal move between them.
CREATE TABLE payment_statuses (status text PRIMARY KEY);
INSERT INTO payment_statuses VALUES
  ('processing'), ('authorized'), ('declined'), ('failed'), ('captured'),
  ('partially_refunded'), ('refunded'), ('voided');

CREATE TABLE payment_transitions (
  from_status text NOT NULL REFERENCES payment_statuses,
  to_status text NOT NULL REFERENCES payment_statuses,
  PRIMARY KEY (from_status, to_status)
);
INSERT INTO payment_transitions VALUES
  ('processing', 'authorized'), ('processing', 'declined'), ('processing', 'failed'),
  ('authorized', 'captured'), ('authorized', 'voided'),
  ('captured', 'partially_refunded'), ('captured', 'refunded'),
  ('partially_refunded', 'partially_refunded'), ('partially_refunded', 'refunded');

CREATE TABLE payments (
  id uuid PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants,
  amount bigint NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL,
  status text NOT NULL REFERENCES payment_statuses,
  captured_amount bigint NOT NULL DEFAULT 0,
  refunded_amount bigint NOT NULL DEFAULT 0,
  capture_method text NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
  card_token text NOT NULL REFERENCES card_vault,
  card_brand text NOT NULL,
  card_last4 char(4) NOT NULL,
  card_country char(2) NOT NULL,
  psp text,
  psp_charge_id text,
  decline_code text,
  fraud jsonb NOT NULL,
  routing jsonb NOT NULL DEFAULT '[]',
  description text,
  -- A request (or the recovery job) owns a processing payment until lease_until.
  lease_until timestamptz,
  -- One capture, void or refund in flight at a time: its id, until it finishes.
  operation_id uuid,
  operation_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (0 <= refunded_amount AND refunded_amount <= captured_amount AND captured_amount <= amount)
);
CREATE INDEX payments_by_merchant ON payments (merchant_id, id DESC);
CREATE INDEX payments_processing ON payments (lease_until) WHERE status = 'processing';

-- Append-only history: one row per transition, written by the trigger below.
CREATE TABLE payment_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Deferred: the BEFORE INSERT trigger records the first event before the payment row exists.
  payment_id uuid NOT NULL REFERENCES payments DEFERRABLE INITIALLY DEFERRED,
  from_status text,
  to_status text NOT NULL,
  captured_amount bigint NOT NULL,
  refunded_amount bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX payment_events_by_payment ON payment_events (payment_id, id);

CREATE FUNCTION enforce_payment_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'processing' OR NEW.captured_amount <> 0 OR NEW.refunded_amount <> 0 THEN
      RAISE EXCEPTION 'a payment starts as processing with nothing captured, not %', NEW.status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transition';
    END IF;
  ELSIF (NEW.status, NEW.captured_amount, NEW.refunded_amount)
        IS DISTINCT FROM (OLD.status, OLD.captured_amount, OLD.refunded_amount) THEN
    IF NOT EXISTS (SELECT 1 FROM payment_transitions
                   WHERE from_status = OLD.status AND to_status = NEW.status) THEN
      RAISE EXCEPTION 'illegal payment transition % -> %', OLD.status, NEW.status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transition';
    END IF;
    IF NEW.captured_amount <> OLD.captured_amount AND OLD.status <> 'authorized' THEN
      RAISE EXCEPTION 'the captured amount changes only when capturing'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transition';
    END IF;
    IF NEW.refunded_amount < OLD.refunded_amount THEN
      RAISE EXCEPTION 'refunds are never taken back'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transition';
    END IF;
  ELSE
    RETURN NEW;
  END IF;
  NEW.updated_at := now();
  INSERT INTO payment_events (payment_id, from_status, to_status, captured_amount, refunded_amount)
  VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status,
          NEW.captured_amount, NEW.refunded_amount);
  RETURN NEW;
END $$;

CREATE TRIGGER payments_transition BEFORE INSERT OR UPDATE ON payments
  FOR EACH ROW EXECUTE FUNCTION enforce_payment_transition();

-- Rows of history and of the ledger are never changed or removed.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'append_only';
END $$;
CREATE TRIGGER payment_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON payment_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Each try at a PSP. The attempt id is the idempotency key the PSP receives and the reference
-- its status inquiry and settlement file know the charge by.
CREATE TABLE payment_attempts (
  id uuid PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments,
  seq smallint NOT NULL,
  psp text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'soft_decline', 'hard_decline', 'timeout', 'unknown')),
  decline_code text,
  psp_charge_id text,
  latency_ms integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (payment_id, seq)
);

-- Captures and refunds the PSPs owe us money for (or net against it): what settlement files
-- are reconciled with.
CREATE TABLE psp_operations (
  id uuid PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments,
  merchant_id text NOT NULL,
  psp text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('capture', 'refund')),
  amount bigint NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL,
  booked_at timestamptz NOT NULL DEFAULT now(),
  settlement_id uuid
);
CREATE INDEX psp_operations_unsettled ON psp_operations (psp, booked_at) WHERE settlement_id IS NULL;

-- Stripe-style idempotency keys: the first execution's response, replayed for 24 h.
CREATE TABLE idempotency_keys (
  merchant_id text NOT NULL REFERENCES merchants,
  key text NOT NULL,
  request_sha256 bytea NOT NULL,
  state text NOT NULL CHECK (state IN ('in_flight', 'done')),
  payment_id uuid,
  response_status smallint,
  response_body jsonb,
  locked_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- The double-entry ledger. An entry's amount flows into (+, credit) or out of (-, debit) an
-- account; a transfer's entries sum to zero per currency (checked per statement below).
CREATE TABLE ledger_accounts (
  code text PRIMARY KEY,
  currency char(3) NOT NULL,
  allow_negative boolean NOT NULL,
  UNIQUE (code, currency)
);

-- Cached balances, updated in the statement that posts the entries, and split into shards:
-- concurrent payments on one hot account (cardholders:EUR) then update different rows instead
-- of queueing on one. An entry goes to the shard of its transfer's payment, so a hold and its
-- release meet in one shard and every shard of a non-negative account stays >= 0 by itself.
CREATE TABLE ledger_balances (
  account_code text NOT NULL REFERENCES ledger_accounts,
  shard smallint NOT NULL,
  allow_negative boolean NOT NULL,
  balance bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (account_code, shard),
  CONSTRAINT balance_not_negative CHECK (allow_negative OR balance >= 0)
);

CREATE VIEW ledger_account_balances AS
  SELECT a.code, a.currency, coalesce(sum(b.balance), 0)::bigint AS balance
  FROM ledger_accounts a LEFT JOIN ledger_balances b ON b.account_code = a.code
  GROUP BY a.code, a.currency;

CREATE TABLE ledger_transfers (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('authorize', 'capture', 'void', 'refund', 'settle')),
  payment_id uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transfers_by_payment ON ledger_transfers (payment_id) WHERE payment_id IS NOT NULL;

CREATE TABLE ledger_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transfer_id uuid NOT NULL REFERENCES ledger_transfers,
  account_code text NOT NULL,
  currency char(3) NOT NULL,
  shard smallint NOT NULL,
  amount bigint NOT NULL CHECK (amount <> 0),
  FOREIGN KEY (account_code, currency) REFERENCES ledger_accounts (code, currency)
);
CREATE INDEX ledger_entries_by_transfer ON ledger_entries (transfer_id);
CREATE INDEX ledger_entries_by_account ON ledger_entries (account_code);

CREATE FUNCTION require_balanced_transfers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE unbalanced record;
BEGIN
  SELECT transfer_id, currency, sum(amount) AS net, count(*) AS legs INTO unbalanced
  FROM new_entries GROUP BY transfer_id, currency
  HAVING sum(amount) <> 0 OR count(*) < 2 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'transfer % does not balance in %: net %', unbalanced.transfer_id,
      unbalanced.currency, unbalanced.net
      USING ERRCODE = 'check_violation', CONSTRAINT = 'transfer_balanced';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION require_balanced_transfers();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_transfers_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
