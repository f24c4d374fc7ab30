-- Profiles are the connected components of the identity graph. `state` holds what the
-- resolver computed at the last change (traits with provenance, computed traits).
CREATE TABLE profiles (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  state jsonb NOT NULL DEFAULT '{}'
);

-- Nodes: one row per normalized identifier, owned by exactly one profile.
CREATE TABLE identities (
  type text NOT NULL,
  value text NOT NULL,
  profile_id uuid NOT NULL REFERENCES profiles (id),
  first_seen_at timestamptz NOT NULL,
  PRIMARY KEY (type, value)
);
CREATE INDEX identities_profile_idx ON identities (profile_id);

-- Edges: identifiers seen together (or linked by a probabilistic match), with the evidence.
-- A split recomputes components from these.
CREATE TABLE identity_edges (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  profile_id uuid NOT NULL REFERENCES profiles (id),
  a_type text NOT NULL,
  a_value text NOT NULL,
  b_type text NOT NULL,
  b_value text NOT NULL,
  reason text NOT NULL,
  event_id uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX identity_edges_profile_idx ON identity_edges (profile_id);
-- The first evidence of a pair is enough: the same pair seen again adds no row.
CREATE UNIQUE INDEX identity_edges_pair_idx ON identity_edges (a_type, a_value, b_type, b_value);

-- Every accepted call. (source, message_id) is the dedupe key: a redelivered or resent call
-- conflicts here and changes nothing.
CREATE TABLE events (
  id uuid PRIMARY KEY,
  source text NOT NULL,
  message_id text NOT NULL,
  profile_id uuid NOT NULL REFERENCES profiles (id),
  type text NOT NULL,
  name text,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  traits jsonb,
  properties jsonb,
  -- `type:value` of the identifiers it carried (the kept ones): a split sends the event with
  -- the part its first identifier lands in.
  identifier_keys text[] NOT NULL,
  -- Order Completed revenue in integer minor units.
  value_minor bigint,
  currency text,
  UNIQUE (source, message_id)
);
CREATE INDEX events_profile_time_idx ON events (profile_id, occurred_at DESC);

CREATE TABLE consents (
  profile_id uuid NOT NULL REFERENCES profiles (id),
  purpose text NOT NULL,
  granted boolean NOT NULL,
  source text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (profile_id, purpose)
);

-- Identifiers erased under GDPR, as SHA-256 of `type:value` (never the value itself): events
-- carrying one are dropped, so re-ingestion cannot rebuild the profile.
CREATE TABLE suppressed_identifiers (
  identifier_hash bytea PRIMARY KEY,
  erasure_id uuid NOT NULL,
  suppressed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE erasures (
  id uuid PRIMARY KEY,
  requested_at timestamptz NOT NULL DEFAULT now(),
  identifier_hash bytea NOT NULL,
  profiles integer NOT NULL,
  identities integer NOT NULL,
  events integer NOT NULL,
  records integer NOT NULL
);

-- Merges, blocked merges, splits and erasures with their reason. Identifiers appear hashed.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  action text NOT NULL CHECK (action IN ('merge', 'merge_blocked', 'split', 'erase')),
  profile_id uuid,
  other_profile_id uuid,
  reason text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_profile_idx ON audit_log (profile_id);

-- Identifiers that keep asking to merge profiles the limits keep apart (a shared test
-- email, a family tablet): the report of suspicious shared identifiers.
CREATE TABLE identifier_conflicts (
  type text NOT NULL,
  value text NOT NULL,
  blocked_merges integer NOT NULL DEFAULT 0,
  profiles_involved uuid[] NOT NULL DEFAULT '{}',
  last_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (type, value)
);

-- Profiles whose Redis view and compacted Kafka snapshot must be rewritten (or tombstoned):
-- written in the transaction that changed them, drained after commit and by a sweeper, so a
-- crash between commit and projection loses nothing.
CREATE TABLE projection_queue (
  profile_id uuid PRIMARY KEY,
  queued_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE segments (
  id text PRIMARY KEY,
  name text NOT NULL,
  rule jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE segment_members (
  segment_id text NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
  profile_id uuid NOT NULL REFERENCES profiles (id),
  entered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (segment_id, profile_id)
);
CREATE INDEX segment_members_profile_idx ON segment_members (profile_id);

-- Probabilistic matching: the model trained by the last batch import, the imported records
-- with their blocking keys (incremental mode looks candidates up here), and the review band.
CREATE TABLE match_models (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  model jsonb NOT NULL,
  records integer NOT NULL,
  comparisons bigint NOT NULL
);

CREATE TABLE match_records (
  id text PRIMARY KEY,
  record jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE match_blocking_keys (
  key text NOT NULL,
  record_id text NOT NULL REFERENCES match_records (id) ON DELETE CASCADE,
  PRIMARY KEY (key, record_id)
);
CREATE INDEX match_blocking_keys_record_idx ON match_blocking_keys (record_id);

CREATE TABLE match_reviews (
  a text NOT NULL REFERENCES match_records (id) ON DELETE CASCADE,
  b text NOT NULL REFERENCES match_records (id) ON DELETE CASCADE,
  probability double precision NOT NULL,
  weight double precision NOT NULL,
  fields jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (a, b)
);
