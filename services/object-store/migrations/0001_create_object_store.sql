-- Metadata of the object store. Object bytes live on the storage nodes as erasure-coded
-- segments; PostgreSQL holds what makes them an object, and a version becomes visible only
-- when its row commits, after its shards are durable on a write quorum of nodes.

CREATE TABLE buckets (
  name text COLLATE "C" PRIMARY KEY,
  owner text NOT NULL,
  versioning text NOT NULL DEFAULT 'unversioned'
    CHECK (versioning IN ('unversioned', 'enabled', 'suspended')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- An erasure-coded run of bytes: the body of one PUT or one multipart part. Shard i of
-- segment s is stored as `<s>.<i>` on node nodes[i]. A row exists only while some object
-- version or multipart part references it; the cleaner removes unreferenced ones.
CREATE TABLE segments (
  id uuid PRIMARY KEY,
  size bigint NOT NULL CHECK (size > 0),
  data_shards smallint NOT NULL CHECK (data_shards > 0),
  parity_shards smallint NOT NULL CHECK (parity_shards >= 0),
  block_size integer NOT NULL CHECK (block_size > 0),
  nodes text[] NOT NULL CHECK (cardinality(nodes) = data_shards + parity_shards),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Keys sort in byte order (COLLATE "C"), as S3 lists them. `seq` orders the versions of a
-- key, newest highest; `is_latest` marks the current one so listings read one index.
CREATE TABLE object_versions (
  bucket text COLLATE "C" NOT NULL REFERENCES buckets (name),
  key text COLLATE "C" NOT NULL,
  version_id text NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  is_latest boolean NOT NULL,
  is_delete_marker boolean NOT NULL DEFAULT false,
  size bigint NOT NULL DEFAULT 0,
  etag text,
  content_type text,
  user_metadata jsonb NOT NULL DEFAULT '{}',
  checksums jsonb NOT NULL DEFAULT '{}',
  segment_ids uuid[] NOT NULL DEFAULT '{}',
  last_modified timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bucket, key, version_id)
);

CREATE UNIQUE INDEX object_versions_latest ON object_versions (bucket, key) WHERE is_latest;
CREATE INDEX object_versions_by_key ON object_versions (bucket, key, seq DESC);
CREATE INDEX object_versions_segments ON object_versions USING gin (segment_ids);

CREATE TABLE multipart_uploads (
  upload_id text PRIMARY KEY,
  bucket text COLLATE "C" NOT NULL REFERENCES buckets (name),
  key text COLLATE "C" NOT NULL,
  content_type text,
  user_metadata jsonb NOT NULL DEFAULT '{}',
  initiated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX multipart_uploads_by_key ON multipart_uploads (bucket, key, initiated_at);

CREATE TABLE multipart_parts (
  upload_id text NOT NULL REFERENCES multipart_uploads (upload_id) ON DELETE CASCADE,
  part_number integer NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  size bigint NOT NULL,
  etag text NOT NULL,
  checksums jsonb NOT NULL DEFAULT '{}',
  segment_id uuid,
  last_modified timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (upload_id, part_number)
);

CREATE INDEX multipart_parts_segment ON multipart_parts (segment_id);

-- Orders the events of one key (S3's `sequencer`): taken under the key's lock, so for one key
-- it grows in commit order, whatever topic each event goes to.
CREATE SEQUENCE object_event_sequencer;
