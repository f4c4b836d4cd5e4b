-- A batch can end `stopped` with reason `processing_failed`: a chunk of it
-- could not be processed for a reason that will not change (its stored
-- config does not parse, its phones are missing), see
-- Store::FailChunkBatch. Read only by src/store/postgres/pg_migrations.cc.
--
-- The CHECK was declared on the column in 001, so PostgreSQL named it
-- batches_reason_check; it is replaced, not the table rebuilt.
ALTER TABLE batches DROP CONSTRAINT batches_reason_check;
ALTER TABLE batches ADD CONSTRAINT batches_reason_check
  CHECK (reason IN ('', 'max_processing_time_reached', 'stopped_by_request',
                    'processing_failed'));
