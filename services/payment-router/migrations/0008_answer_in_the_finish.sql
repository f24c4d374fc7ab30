-- A create request's response stored in the transaction that finishes its payment.
--
-- Until now the router stored it after the finish step had committed: one more statement and
-- commit per batch (complete_keys), and one more step each authorization waited for (8 to 9
-- ms of its 60 to 70 at 64 connections, by the router's phase timers). An item may now carry
-- the idempotency key the payment was created under ({merchant, key}); finish_payments then
-- stores the answer, the payment as the API shows it, under that key in the item's
-- subtransaction. If the item fails, so does the storing, and the router answers and stores
-- the error as before. The payment's view is built here in SQL; viewOf
-- (src/payments/payment-view.ts) builds the same object for every other answer, and a test
-- checks that a replay equals the answer it stores.

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

-- finish_payments as in 0007, storing the answer under the item's key.
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
