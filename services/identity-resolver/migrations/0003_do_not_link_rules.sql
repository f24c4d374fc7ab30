-- A split sticks: each pair of parts it made is kept apart by a rule between their strongest
-- identifiers (a_* sorts before b_* by `type:value`). The merge logic refuses any event that
-- would put both into one profile again, as a blocked merge. Erasure deletes the rules of
-- the erased identifiers.
CREATE TABLE do_not_link_rules (
  a_type text NOT NULL,
  a_value text NOT NULL,
  b_type text NOT NULL,
  b_value text NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (a_type, a_value, b_type, b_value)
);
CREATE INDEX do_not_link_rules_b_idx ON do_not_link_rules (b_type, b_value);
