-- A batch can end `stopped` with reason `processing_failed`: a chunk of it
-- could not be processed for a reason that will not change (its stored
-- config does not parse, its phones are missing), see
-- Store::FailChunkBatch. Read only by the service's migrations
-- (src/store/sqlite/migrations.cc), which run this file in one write
-- transaction with foreign keys on.
--
-- SQLite cannot alter a CHECK constraint, so `batches` is rebuilt. Its rows
-- are copied aside and put back after the new table exists: the DROP counts
-- the phones and chunks left without a batch as deferred foreign-key
-- violations, and re-inserting their batches cancels them before COMMIT.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE batches_before_005 AS SELECT * FROM batches;
DROP TABLE batches;

CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  reference_id TEXT NOT NULL DEFAULT '',
  config_json TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('submitted', 'processing', 'completed', 'stopped')),
  reason TEXT NOT NULL DEFAULT ''
    CHECK (reason IN ('', 'max_processing_time_reached', 'stopped_by_request',
                      'processing_failed')),
  records INTEGER NOT NULL,
  records_processed INTEGER NOT NULL DEFAULT 0,
  date_submitted_us INTEGER NOT NULL,
  date_started_us INTEGER,
  date_ended_us INTEGER,
  deadline_us INTEGER,
  credits_reserved INTEGER NOT NULL DEFAULT 0,
  credits_charged INTEGER NOT NULL DEFAULT 0,
  purged INTEGER NOT NULL DEFAULT 0
);
INSERT INTO batches (id, account_id, reference_id, config_json, status,
                     reason, records, records_processed, date_submitted_us,
                     date_started_us, date_ended_us, deadline_us,
                     credits_reserved, credits_charged, purged)
  SELECT id, account_id, reference_id, config_json, status, reason, records,
         records_processed, date_submitted_us, date_started_us,
         date_ended_us, deadline_us, credits_reserved, credits_charged,
         purged
  FROM batches_before_005;
DROP TABLE batches_before_005;

-- The indexes of 001_initial.sql, dropped with the old table.
CREATE INDEX batches_by_account ON batches(account_id, date_submitted_us DESC);
CREATE INDEX batches_processing_by_start ON batches(date_started_us, id)
  WHERE status = 'processing';
CREATE INDEX batches_processing_by_deadline ON batches(deadline_us)
  WHERE status = 'processing';
CREATE INDEX batches_unpurged_by_submitted ON batches(date_submitted_us)
  WHERE purged = 0;
