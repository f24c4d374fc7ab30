-- The hot path's batch functions, third pass (issue 5): three changes, measured under the
-- authorization benchmark (services/payment-router/README.md, Benchmarks).
--
-- 1. Every hot row reached by its key, whatever the table's size. A batch arrives as JSON,
-- which the planner takes for 100 rows. For a join of that input with idempotency_keys,
-- payments or ledger_balances it chose a hash join over a full scan of the table's
-- primary-key index (`enable_seqscan = off` only turned the sequential scan into that): seen
-- with auto_explain in complete_keys, in the key binding of begin_payments, in the payment and
-- balance locks of finish_payments and in ledger_post's balance update. PL/pgSQL keeps such a
-- plan until an ANALYZE of the table invalidates it, so a batch read every key stored so far
-- until autovacuum caught up. Here each of those rows is reached one key at a time (a loop or
-- an `= ANY` array), which no plan turns into a scan.
--
-- 2. The finish step's ledger post once per batch, at its end. Phase timers in the router
-- (64 connections, 782 auth/s) put 35 ms of 80 in the finish step, 7 to 9 ms in each other
-- PostgreSQL step: finish batches ran one at a time, because each locked the balance rows it
-- would touch first (a hot account's 16 shards are shared by almost every batch). Now the
-- transfers of the items that moved are posted together after the last item, by one
-- ledger_post, which updates the balance rows in (account, shard) order: the only locks two
-- batches share, taken last and held for one statement and the commit, so two batches run at
-- once (src/payments/finish-payment.ts). A post that fails fails the whole batch, which the
-- router then runs payment by payment: the item at fault fails alone, as before.
--
-- 3. A create request's answer stored in the transaction that finishes its payment, instead
-- of by one more statement and commit after it (complete_keys; 8 to 9 ms of waiting per
-- authorization at 64 connections). An item may carry the idempotency key the payment was
-- created under ({merchant, key}); finish_payments then stores the payment as the API shows it
-- under that key, in the item's subtransaction. If the item fails, so does the storing, and the
-- router answers and stores the error as before. The view is built here in SQL; viewOf
-- (src/payments/payment-view.ts) builds the same object for every other answer, and a test
-- checks that a replay equals the answer it stores.

-- Posts transfers [{id, kind, paymentId, entries: [{account, currency, shard, amount}]}]:
-- inserts the transfers not posted yet (the id is the idempotency key), their entries, and
-- adds each balance row's delta. The balance rows are updated one by one in (account, shard)
-- order, and these updates are the locks: transactions sharing rows queue, never deadlock.
-- The entries' statement trigger checks each transfer balances; the CHECK keeps non-negative
-- accounts >= 0.
CREATE OR REPLACE FUNCTION ledger_post(p_transfers jsonb) RETURNS SETOF uuid
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  posted uuid[];
  delta record;
BEGIN
  WITH inserted AS (
    INSERT INTO ledger_transfers (id, kind, payment_id)
    SELECT (t->>'id')::uuid, t->>'kind', (t->>'paymentId')::uuid FROM jsonb_array_elements(p_transfers) t
    ON CONFLICT (id) DO NOTHING
    RETURNING id
  )
  SELECT coalesce(array_agg(id), '{}') INTO posted FROM inserted;
  IF cardinality(posted) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO ledger_entries (transfer_id, account_code, currency, shard, amount)
  SELECT (t->>'id')::uuid, e->>'account', e->>'currency', (e->>'shard')::smallint, (e->>'amount')::bigint
  FROM jsonb_array_elements(p_transfers) t CROSS JOIN jsonb_array_elements(t->'entries') e
  WHERE (t->>'id')::uuid = ANY (posted);
  FOR delta IN
    SELECT e->>'account' AS account, (e->>'shard')::smallint AS shard,
           sum((e->>'amount')::bigint) AS amount
    FROM jsonb_array_elements(p_transfers) t CROSS JOIN jsonb_array_elements(t->'entries') e
    WHERE (t->>'id')::uuid = ANY (posted)
    GROUP BY 1, 2 ORDER BY 1, 2
  LOOP
    UPDATE ledger_balances SET balance = balance + delta.amount
    WHERE account_code = delta.account AND shard = delta.shard;
  END LOOP;
  RETURN QUERY SELECT unnest(posted);
END $$;

-- The API's view of a payment (viewOf), timestamps as JavaScript's toISOString writes them
-- (milliseconds, truncated like node-postgres truncates microseconds).
CREATE FUNCTION payment_view(p payments) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', p.id, 'object', 'payment', 'merchantId', p.merchant_id, 'status', p.status,
    'amount', p.amount, 'currency', p.currency, 'capturedAmount', p.captured_amount,
    'refundedAmount', p.refunded_amount, 'captureMethod', p.capture_method,
    'card', jsonb_build_object('token', p.card_token, 'brand', p.card_brand,
                               'last4', p.card_last4, 'country', p.card_country),
    'psp', p.psp, 'declineCode', p.decline_code, 'fraud', p.fraud, 'routing', p.routing,
    'description', p.description,
    'createdAt', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'updatedAt', to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$$;

-- The HTTP status of a create request's answer (createStatusOf): 402 for a payment declined
-- or failed, 201 otherwise.
CREATE FUNCTION create_status(p payments) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p.status IN ('declined', 'failed') THEN 402 ELSE 201 END::smallint
$$;

-- The finish step of a batch of payments (src/payments/finish-payment.ts). Lock order: payment
-- rows (sorted, by an array of their ids), outbox keys (sorted), balance rows (sorted, by
-- ledger_post at the end). A batch shares only balance rows with anything else that runs at
-- the same time (its payments are processing, so no capture or refund holds them; outbox keys
-- are per payment), so the orders cannot form a cycle.
CREATE OR REPLACE FUNCTION finish_payments(p_items jsonb)
RETURNS TABLE (idx int, err_state text, err_message text, err_constraint text, p payments)
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  item jsonb;
  i int := 0;
  state text;
  message text;
  constraint_name text;
  -- The batch's payments still processing: only those move, so only their transfers post.
  processing uuid[];
  to_post jsonb := '[]';
BEGIN
  SELECT coalesce(array_agg(locked.id) FILTER (WHERE locked.status = 'processing'), '{}')
  INTO processing
  FROM (SELECT id, status FROM payments
        WHERE id = ANY (ARRAY(SELECT (t->>'payment')::uuid FROM jsonb_array_elements(p_items) t))
        ORDER BY id FOR UPDATE) locked;
  PERFORM pg_advisory_xact_lock(hashtext('scale-models.outbox-key'), hashtext(k))
  FROM (SELECT DISTINCT e->>'key' AS k
        FROM jsonb_array_elements(p_items) t, jsonb_array_elements(t->'events') e ORDER BY 1) keys;
  FOR item IN SELECT * FROM jsonb_array_elements(p_items) LOOP
    idx := i;
    i := i + 1;
    BEGIN
      SELECT * INTO p FROM finish_payment((item->>'payment')::uuid,
        nullif(item->'attempt', 'null'), item->'move', nullif(item->'operation', 'null'),
        '[]'::jsonb, item->'events');
      IF p.id = ANY (processing) THEN
        to_post := to_post || (item->'transfers');
        processing := array_remove(processing, p.id);
      END IF;
      IF jsonb_typeof(item->'key') = 'object' THEN
        UPDATE idempotency_keys
        SET state = 'done', response_status = create_status(p), response_body = payment_view(p)
        WHERE merchant_id = item->'key'->>'merchant' AND key = item->'key'->>'key';
      END IF;
      err_state := NULL;
      err_message := NULL;
      err_constraint := NULL;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
        constraint_name = CONSTRAINT_NAME;
      err_state := state;
      err_message := message;
      err_constraint := nullif(constraint_name, '');
      p := NULL;
    END;
    RETURN NEXT;
  END LOOP;
  IF jsonb_array_length(to_post) > 0 THEN
    PERFORM ledger_post(to_post);
  END IF;
END $$;

-- begin_payments as in 0005; the keys are bound to their payments one by one, after it.
CREATE OR REPLACE FUNCTION begin_payments(p_payments jsonb) RETURNS SETOF payments
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  binding record;
BEGIN
RETURN QUERY
WITH input AS (
  SELECT * FROM jsonb_to_recordset(p_payments) AS p(
    id uuid, merchant text, amount bigint, currency char(3), capture_method text, brand text,
    last4 char(4), country char(2), fraud jsonb, routing jsonb, description text, lease_ms int,
    key text, token text, fingerprint text, ciphertext text, iv text, tag text, bin char(6),
    exp_month smallint, exp_year smallint, attempt_id uuid, attempt_seq smallint, attempt_psp text)
), vaulted AS (
  INSERT INTO card_vault (token, fingerprint, pan_ciphertext, pan_iv, pan_tag, brand, bin, last4, exp_month, exp_year)
  SELECT token, decode(fingerprint, 'hex'), decode(ciphertext, 'hex'), decode(iv, 'hex'),
         decode(tag, 'hex'), brand, bin, last4, exp_month, exp_year
  FROM input ORDER BY fingerprint
  ON CONFLICT (fingerprint) DO UPDATE SET exp_month = EXCLUDED.exp_month, exp_year = EXCLUDED.exp_year
  RETURNING token, fingerprint
), payment AS (
  INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, card_token,
    card_brand, card_last4, card_country, fraud, routing, description, lease_until)
  SELECT i.id, i.merchant, i.amount, i.currency, 'processing', i.capture_method, v.token,
         i.brand, i.last4, i.country, i.fraud, i.routing, i.description,
         now() + make_interval(secs => i.lease_ms / 1000.0)
  FROM input i JOIN vaulted v ON v.fingerprint = decode(i.fingerprint, 'hex')
  RETURNING *
), attempt AS (
  INSERT INTO payment_attempts (id, payment_id, seq, psp, status)
  SELECT i.attempt_id, p.id, i.attempt_seq, i.attempt_psp, 'pending'
  FROM input i JOIN payment p ON p.id = i.id WHERE i.attempt_id IS NOT NULL
)
SELECT * FROM payment;
FOR binding IN
  SELECT * FROM jsonb_to_recordset(p_payments) AS p(id uuid, merchant text, key text)
LOOP
  UPDATE idempotency_keys SET payment_id = binding.id
  WHERE merchant_id = binding.merchant AND key = binding.key;
END LOOP;
END $$;

-- Stores the responses [{merchant, key, status, body}] of finished requests, key by key.
CREATE OR REPLACE FUNCTION complete_keys(p_completions jsonb) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  completion record;
BEGIN
  FOR completion IN
    SELECT * FROM jsonb_to_recordset(p_completions) AS c(merchant text, key text, status smallint, body jsonb)
  LOOP
    UPDATE idempotency_keys SET state = 'done', response_status = completion.status,
      response_body = completion.body
    WHERE merchant_id = completion.merchant AND key = completion.key;
  END LOOP;
END $$;
