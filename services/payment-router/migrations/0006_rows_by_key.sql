-- Every hot row reached by its key, whatever the table's size.
--
-- A batch arrives as JSON, which the planner takes for 100 rows, and PL/pgSQL keeps the plan
-- it made for the session's first calls, when the tables were small. For a join of that input
-- with idempotency_keys, payments or ledger_balances it chose a hash join over a full scan of
-- the table's primary-key index (`enable_seqscan = off` only turned the sequential scan into
-- that): seen with auto_explain under the authorization benchmark, in complete_keys, in the
-- key binding of begin_payments, in the payment and balance locks of finish_payments and in
-- ledger_post's balance update. Each batch then read every key ever stored: a cost growing
-- with the table, which at a day of keys would be millions of index entries per batch.
--
-- Here each of those rows is reached one key at a time (a loop, an `= ANY` array or a lateral
-- lookup), which no plan can turn into a scan.

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

-- finish_payments as in 0005; the batch's locks taken row by row: the payments by an array of
-- their ids, the balance rows one at a time in (account, shard) order.
CREATE OR REPLACE FUNCTION finish_payments(p_items jsonb)
RETURNS TABLE (idx int, err_state text, err_message text, err_constraint text, p payments)
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  item jsonb;
  balance record;
  i int := 0;
  state text;
  message text;
  constraint_name text;
BEGIN
  PERFORM 1 FROM payments
  WHERE id = ANY (ARRAY(SELECT (t->>'payment')::uuid FROM jsonb_array_elements(p_items) t))
  ORDER BY id FOR UPDATE;
  FOR balance IN
    SELECT DISTINCT e->>'account' AS account, (e->>'shard')::smallint AS shard
    FROM jsonb_array_elements(p_items) t, jsonb_array_elements(t->'transfers') r,
         jsonb_array_elements(r->'entries') e
    ORDER BY 1, 2
  LOOP
    PERFORM 1 FROM ledger_balances
    WHERE account_code = balance.account AND shard = balance.shard FOR NO KEY UPDATE;
  END LOOP;
  PERFORM pg_advisory_xact_lock(hashtext('scale-models.outbox-key'), hashtext(k))
  FROM (SELECT DISTINCT e->>'key' AS k
        FROM jsonb_array_elements(p_items) t, jsonb_array_elements(t->'events') e ORDER BY 1) keys;
  FOR item IN SELECT * FROM jsonb_array_elements(p_items) LOOP
    idx := i;
    i := i + 1;
    BEGIN
      SELECT * INTO p FROM finish_payment((item->>'payment')::uuid,
        nullif(item->'attempt', 'null'), item->'move', nullif(item->'operation', 'null'),
        item->'transfers', item->'events');
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
