-- The registry: every applied version of every entity, feature view and feature service.
-- The current object is the highest version; older versions stay for lineage.
CREATE TABLE registry_objects (
  kind       text        NOT NULL CHECK (kind IN ('entity', 'feature_view', 'feature_service')),
  name       text        NOT NULL,
  version    integer     NOT NULL CHECK (version > 0),
  spec       jsonb       NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, name, version)
);

-- The offline store: append-only, event-timestamped rows of a feature view. Keys use the "C"
-- collation so PostgreSQL sorts them in the order the point-in-time join compares them.
-- created_ts (ingestion time) and then seq break ties between rows of the same event time.
-- ingest_xid is the writing transaction: incremental materialization follows it (see below).
CREATE TABLE feature_rows (
  seq          bigserial   PRIMARY KEY,
  feature_view text        NOT NULL,
  entity_key   text        COLLATE "C" NOT NULL,
  event_ts     timestamptz NOT NULL,
  created_ts   timestamptz NOT NULL,
  values       jsonb       NOT NULL,
  ingest_xid   xid8        NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX feature_rows_as_of ON feature_rows (feature_view, entity_key, event_ts, created_ts, seq);
CREATE INDEX feature_rows_by_xid ON feature_rows (feature_view, ingest_xid);

-- Incremental materialization copies rows written by transactions from `from_xid` on: the
-- oldest transaction still running when the previous run took its snapshot. A sequence
-- number would not do: a transaction holding a lower number can commit after a run read a
-- higher one, and its rows would be skipped for ever.
CREATE TABLE materialization_watermarks (
  feature_view text        PRIMARY KEY,
  from_xid     xid8        NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A training set is its entity dataframe plus what to join: rerunning the join gives the same
-- rows, because feature rows created after `cutoff` are left out.
CREATE TABLE training_sets (
  id                      uuid        PRIMARY KEY,
  feature_service         text,
  feature_service_version integer,
  features                jsonb       NOT NULL,
  entity                  text        NOT NULL,
  row_count               bigint      NOT NULL,
  cutoff                  timestamptz NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE training_set_rows (
  training_set_id uuid        NOT NULL REFERENCES training_sets (id) ON DELETE CASCADE,
  row_no          bigint      NOT NULL,
  entity_key      text        COLLATE "C" NOT NULL,
  event_ts        timestamptz NOT NULL,
  extra           jsonb       NOT NULL,
  PRIMARY KEY (training_set_id, row_no)
);
CREATE INDEX training_set_rows_sorted ON training_set_rows (training_set_id, entity_key, event_ts, row_no);

-- The model registry.
CREATE TABLE models (
  name        text        PRIMARY KEY,
  description text        NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE model_versions (
  model           text        NOT NULL REFERENCES models (name),
  version         integer     NOT NULL CHECK (version > 0),
  artifact_uri    text        NOT NULL,
  feature_service text,
  training_set_id uuid        REFERENCES training_sets (id),
  metrics         jsonb       NOT NULL DEFAULT '{}',
  metadata        jsonb       NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, version)
);

CREATE TABLE model_aliases (
  model      text        NOT NULL,
  alias      text        NOT NULL,
  version    integer     NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
);
