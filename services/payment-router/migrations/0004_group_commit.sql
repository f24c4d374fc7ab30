-- Group commit of the finish step: the finish_payment calls of concurrent authorizations in
-- one transaction, so one commit (one WAL flush, one NOTIFY) serves the whole batch.
-- p_items: [{payment, attempt, steps, operation, transfers, events}], the arguments of
-- finish_payment each. Each item runs in a subtransaction of its own (the EXCEPTION block):
-- an item that fails is rolled back alone and answered with its error, the others commit.
-- The locks every item would take are taken first, for the whole batch, in the order a single
-- finish_payment takes them (payment rows, balance rows, outbox keys; each sorted), so two
-- batches, or a batch and a capture, queue instead of deadlocking.
CREATE FUNCTION finish_payments(p_items jsonb)
RETURNS TABLE (idx int, err_state text, err_message text, err_constraint text, p payments)
LANGUAGE plpgsql AS $$
DECLARE
  item jsonb;
  i int := 0;
  state text;
  message text;
  constraint_name text;
BEGIN
  PERFORM 1 FROM payments
  WHERE id IN (SELECT (t->>'payment')::uuid FROM jsonb_array_elements(p_items) t)
  ORDER BY id FOR UPDATE;
  PERFORM 1 FROM ledger_balances b
  WHERE (b.account_code, b.shard) IN (
    SELECT e->>'account', (e->>'shard')::smallint
    FROM jsonb_array_elements(p_items) t, jsonb_array_elements(t->'transfers') r,
         jsonb_array_elements(r->'entries') e)
  ORDER BY b.account_code, b.shard FOR NO KEY UPDATE;
  PERFORM pg_advisory_xact_lock(hashtext('scale-models.outbox-key'), hashtext(k))
  FROM (SELECT DISTINCT e->>'key' AS k
        FROM jsonb_array_elements(p_items) t, jsonb_array_elements(t->'events') e ORDER BY 1) keys;
  FOR item IN SELECT * FROM jsonb_array_elements(p_items) LOOP
    idx := i;
    i := i + 1;
    BEGIN
      SELECT * INTO p FROM finish_payment((item->>'payment')::uuid,
        nullif(item->'attempt', 'null'), item->'steps', nullif(item->'operation', 'null'),
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
