-- A split removes evidence (edges) and may cut a profile in two; removing an edge that leaves
-- the profile whole is audited as an unlink.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
  CHECK (action IN ('merge', 'merge_blocked', 'split', 'unlink', 'erase'));

-- The segment clock: when each profile's windowed event counts next change on their own (the
-- oldest counted event leaves its window). Due rows are re-evaluated without waiting for the
-- profile's next event, so a profile exits a windowed segment when the window expires.
CREATE TABLE segment_reevaluations (
  profile_id uuid PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
  due_at timestamptz NOT NULL
);
CREATE INDEX segment_reevaluations_due_idx ON segment_reevaluations (due_at);
