-- Transactional outbox of @scale-models/postgres. Services write rows here in the same
-- transaction as their state change (enqueueOutboxEvent); the relay publishes them to Kafka.
CREATE TABLE outbox_events (
  -- Publication order. Ids are taken at insert, not at commit, so they follow commit order
  -- only among transactions serialized on the same lock: one aggregate's events (see README).
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The CloudEvents id: the dedupe key consumers use, also sent as the ce_id header.
  event_id uuid NOT NULL UNIQUE,
  topic text NOT NULL,
  -- The Kafka key: the aggregate's id, the unit of ordering.
  key text NOT NULL,
  aggregate_type text,
  -- The whole CloudEvents envelope, sent as the message value.
  envelope jsonb NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);

-- The relay reads only unpublished rows, in id order; the cleanup only published ones by age.
CREATE INDEX outbox_events_unpublished_idx ON outbox_events (id) WHERE published_at IS NULL;
CREATE INDEX outbox_events_published_at_idx ON outbox_events (published_at)
  WHERE published_at IS NOT NULL;

-- Wakes the relay as soon as a transaction that enqueued something commits (NOTIFY is
-- delivered at commit, never for a rolled-back transaction). One per statement is enough.
CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_events', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify();
