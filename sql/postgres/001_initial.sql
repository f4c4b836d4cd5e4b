-- Initial schema, the PostgreSQL twin of sql/sqlite/001_initial.sql: the same
-- tables and columns, so `phonebulk store copy` moves rows one to one. Times
-- are int64 microseconds since the Unix epoch. Read only by the service's
-- migrations (src/store/postgres/pg_migrations.cc), which embed this file at
-- build time and apply it under an advisory lock.

CREATE TABLE accounts (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  -- Spendable balance; reservations of processing batches are already taken.
  -- No CHECK (credits >= 0): settlement must never fail a commit, and
  -- AddCredits enforces the floor itself.
  credits BIGINT NOT NULL DEFAULT 0,
  rate_limit_per_minute INTEGER NOT NULL DEFAULT 150,
  created_us BIGINT NOT NULL
);

CREATE TABLE tokens (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  hash_hex TEXT NOT NULL UNIQUE,
  display_prefix TEXT NOT NULL,
  products BIGINT NOT NULL,  -- bit flags, see store/records.h
  disabled BOOLEAN NOT NULL DEFAULT FALSE,
  allow_ips TEXT NOT NULL DEFAULT '',      -- newline-joined CIDRs
  allow_domains TEXT NOT NULL DEFAULT '',  -- newline-joined domains
  created_us BIGINT NOT NULL
);
CREATE INDEX tokens_by_prefix ON tokens(display_prefix);

CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  reference_id TEXT NOT NULL DEFAULT '',
  config_json TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('submitted', 'processing', 'completed', 'stopped')),
  reason TEXT NOT NULL DEFAULT ''
    CHECK (reason IN ('', 'max_processing_time_reached', 'stopped_by_request')),
  records INTEGER NOT NULL,
  records_processed INTEGER NOT NULL DEFAULT 0,
  date_submitted_us BIGINT NOT NULL,
  date_started_us BIGINT,
  date_ended_us BIGINT,
  deadline_us BIGINT,
  credits_reserved BIGINT NOT NULL DEFAULT 0,
  credits_charged BIGINT NOT NULL DEFAULT 0,
  purged BOOLEAN NOT NULL DEFAULT FALSE
);
-- ListBatches: an account's batches, newest first.
CREATE INDEX batches_by_account ON batches(account_id, date_submitted_us DESC);
-- ClaimChunk walks processing batches oldest started first (id breaks ties).
CREATE INDEX batches_processing_by_start ON batches(date_started_us, id)
  WHERE status = 'processing';
-- StopExpiredBatches.
CREATE INDEX batches_processing_by_deadline ON batches(deadline_us)
  WHERE status = 'processing';
-- PurgeBatchesSubmittedBefore.
CREATE INDEX batches_unpurged_by_submitted ON batches(date_submitted_us)
  WHERE NOT purged;

CREATE TABLE phones (
  batch_id TEXT NOT NULL REFERENCES batches(id),
  idx INTEGER NOT NULL,
  number TEXT NOT NULL,
  country_iso TEXT NOT NULL DEFAULT '',
  result_blob BYTEA,
  PRIMARY KEY (batch_id, idx)
);

CREATE TABLE chunks (
  batch_id TEXT NOT NULL REFERENCES batches(id),
  chunk_index INTEGER NOT NULL,
  first_index INTEGER NOT NULL,
  count INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'claimed', 'done')),
  attempt BIGINT NOT NULL DEFAULT 0,
  lease_until_us BIGINT,
  PRIMARY KEY (batch_id, chunk_index)
);
-- Claiming, "is the batch finished" and the queue depth only look at chunks
-- not done yet; the partial index keeps them cheap however many are done.
CREATE INDEX chunks_open ON chunks(batch_id, chunk_index, state, lease_until_us)
  WHERE state <> 'done';
