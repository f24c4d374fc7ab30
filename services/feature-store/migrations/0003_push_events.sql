-- Pushed events already written to the offline store, by CloudEvents id. The Kafka consumer is
-- at-least-once: a crash between writing an event's rows and committing its offset replays it,
-- and this table turns the replay's offline insert into a no-op (in the same transaction).
CREATE TABLE push_events (
  event_id   text        PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
