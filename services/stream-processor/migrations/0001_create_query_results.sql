-- Final (or latest) results of deployed queries, one row per window and key: the PostgreSQL sink.
CREATE TABLE query_results (
  query text NOT NULL,
  -- The result's CloudEvent id: <query>:result:<window and key>.
  result_id text NOT NULL,
  row jsonb NOT NULL,
  -- Versions of this result applied: 1 for an EMIT FINAL query, whatever crashed; a replayed
  -- result would show as 2.
  versions integer NOT NULL,
  source_partition integer NOT NULL,
  source_offset bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (query, result_id)
);

-- How far the sink has read each result topic partition, committed with the rows it wrote.
CREATE TABLE query_sink_offsets (
  query text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL,
  next_offset bigint NOT NULL,
  PRIMARY KEY (query, topic, partition)
);
