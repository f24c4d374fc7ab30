-- apply --prune removes objects that are no longer declared. The registry stays append-only:
-- a removal is a new version of the object marked deleted (its spec is the last one, so a
-- later re-creation is checked against it: the offline rows of that name are still stored).
ALTER TABLE registry_objects ADD COLUMN deleted boolean NOT NULL DEFAULT false;
