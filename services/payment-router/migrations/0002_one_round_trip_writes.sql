-- The hot path's writes as SQL functions, so that each step of an authorization is one round
-- trip to PostgreSQL instead of a dozen: on 2 shared cores, every statement sent costs a
-- system call on each side and a parse, which is what capped throughput (see README).
-- The functions do exactly what the statements did, in the same transaction.

-- Posts transfers given as [{id, kind, paymentId, entries: [{account, currency, shard, amount}]}]:
-- locks the balance rows they touch in one order (account, shard), so transactions sharing
-- rows queue instead of deadlocking (NO KEY UPDATE does not conflict with the entries'
-- foreign-key locks); then inserts the transfers (an id already posted is skipped: the id is
-- the idempotency key), their entries, and adds them to the cached balances. The statement
-- trigger checks each transfer balances; the CHECK keeps non-negative accounts >= 0.
CREATE FUNCTION ledger_post(p_transfers jsonb) RETURNS SETOF uuid LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM ledger_balances b
  WHERE (b.account_code, b.shard) IN (
    SELECT e->>'account', (e->>'shard')::smallint
    FROM jsonb_array_elements(p_transfers) t, jsonb_array_elements(t->'entries') e)
  ORDER BY b.account_code, b.shard FOR NO KEY UPDATE;
  RETURN QUERY
  WITH posted AS (
    INSERT INTO ledger_transfers (id, kind, payment_id)
    SELECT (t->>'id')::uuid, t->>'kind', (t->>'paymentId')::uuid FROM jsonb_array_elements(p_transfers) t
    ON CONFLICT (id) DO NOTHING
    RETURNING id
  ), entries AS (
    INSERT INTO ledger_entries (transfer_id, account_code, currency, shard, amount)
    SELECT p.id, e->>'account', e->>'currency', (e->>'shard')::smallint, (e->>'amount')::bigint
    FROM jsonb_array_elements(p_transfers) t
    JOIN posted p ON p.id = (t->>'id')::uuid
    CROSS JOIN jsonb_array_elements(t->'entries') e
    RETURNING account_code, shard, amount
  ), balances AS (
    UPDATE ledger_balances b SET balance = b.balance + d.delta
    FROM (SELECT account_code, shard, sum(amount) AS delta FROM entries GROUP BY 1, 2) d
    WHERE b.account_code = d.account_code AND b.shard = d.shard
  )
  SELECT id FROM posted;
END $$;

-- Adds events [{eventId, topic, key, aggregateType, envelope}] to the postgres package's
-- outbox table, taking the same per-key transaction lock as its enqueueOutboxEvent, so one
-- aggregate's events get ids in commit order.
CREATE FUNCTION outbox_put(p_events jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('scale-models.outbox-key'), hashtext(k))
  FROM (SELECT DISTINCT e->>'key' AS k FROM jsonb_array_elements(p_events) e ORDER BY 1) keys;
  INSERT INTO outbox_events (event_id, topic, key, aggregate_type, envelope, headers)
  SELECT (e->>'eventId')::uuid, e->>'topic', e->>'key', e->>'aggregateType', e->'envelope', '{}'
  FROM jsonb_array_elements(p_events) e;
END $$;

-- Commits a processing payment's outcome in one call: the attempt's answer, the payment's
-- transitions in order (each through the state-machine trigger, so the history has every
-- step), the PSP operation to settle, the ledger transfers and the outbox events. A payment
-- no longer processing (the recovery job got there first) is returned untouched.
-- p_steps: [{status, psp?, pspChargeId?, declineCode?, routing?, capturedAmount?}].
CREATE FUNCTION finish_payment(
  p_payment uuid, p_attempt jsonb, p_steps jsonb, p_operation jsonb, p_transfers jsonb,
  p_events jsonb
) RETURNS SETOF payments LANGUAGE plpgsql AS $$
DECLARE
  current payments;
  step jsonb;
BEGIN
  SELECT * INTO current FROM payments WHERE id = p_payment FOR UPDATE;
  IF current.status <> 'processing' THEN
    RETURN NEXT current;
    RETURN;
  END IF;
  IF p_attempt IS NOT NULL THEN
    UPDATE payment_attempts SET status = p_attempt->>'status',
      decline_code = p_attempt->>'declineCode', psp_charge_id = p_attempt->>'pspChargeId',
      latency_ms = coalesce((p_attempt->>'latencyMs')::int, latency_ms)
    WHERE id = (p_attempt->>'id')::uuid;
  END IF;
  FOR step IN SELECT * FROM jsonb_array_elements(p_steps) LOOP
    UPDATE payments SET status = step->>'status',
      psp = coalesce(step->>'psp', psp),
      psp_charge_id = coalesce(step->>'pspChargeId', psp_charge_id),
      decline_code = coalesce(step->>'declineCode', decline_code),
      routing = coalesce(step->'routing', routing),
      captured_amount = coalesce((step->>'capturedAmount')::bigint, captured_amount),
      lease_until = NULL
    WHERE id = p_payment RETURNING * INTO current;
  END LOOP;
  IF p_operation IS NOT NULL THEN
    INSERT INTO psp_operations (id, payment_id, merchant_id, psp, kind, amount, currency)
    VALUES ((p_operation->>'id')::uuid, p_payment, current.merchant_id, current.psp,
            p_operation->>'kind', (p_operation->>'amount')::bigint, current.currency)
    ON CONFLICT (id) DO NOTHING;
  END IF;
  IF jsonb_array_length(p_transfers) > 0 THEN
    PERFORM ledger_post(p_transfers);
  END IF;
  PERFORM outbox_put(p_events);
  RETURN NEXT current;
END $$;
