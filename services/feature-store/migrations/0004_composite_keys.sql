-- A feature view lists its entities (a composite key when several): the one-entity form
-- `entity: driver` of earlier specs becomes `entities: [driver]`, which means the same.
UPDATE registry_objects
SET spec = (spec - 'entity') || jsonb_build_object('entities', jsonb_build_array(spec -> 'entity'))
WHERE kind = 'feature_view' AND spec ? 'entity';

-- A training set joins on every entity of its views, not one.
ALTER TABLE training_sets ADD COLUMN entities text[];
UPDATE training_sets SET entities = ARRAY[entity];
ALTER TABLE training_sets ALTER COLUMN entities SET NOT NULL;
ALTER TABLE training_sets DROP COLUMN entity;
