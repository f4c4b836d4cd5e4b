-- A batch's statistics (results counted by confidence) are summed when each
-- chunk commits, in the same transaction as its results, so reading them
-- never decodes the whole batch. `bucket` is opaque to the store (the batch
-- layer's confidence index; see ProcessedPhone::statistics_bucket).
-- Batches committed before this migration have no rows: the batch service
-- sees that the counts do not add up to records_processed and counts them
-- from the stored results instead. Read only by src/store/postgres/pg_migrations.cc.
CREATE TABLE batch_statistics (
  batch_id TEXT NOT NULL REFERENCES batches(id),
  bucket INTEGER NOT NULL CHECK (bucket >= 0),
  count BIGINT NOT NULL CHECK (count >= 0),
  PRIMARY KEY (batch_id, bucket)
);
