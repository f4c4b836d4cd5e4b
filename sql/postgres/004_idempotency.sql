-- Idempotent batch creation and the storage health probe, the twin of
-- sql/sqlite/004_idempotency.sql. Read only by
-- src/store/postgres/pg_migrations.cc.

-- One row per (account, key) used on a create, written in the transaction
-- that stores the batch, so a create either left both or neither.
CREATE TABLE idempotency_keys (
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  created_us BIGINT NOT NULL,
  PRIMARY KEY (account_id, idem_key)
);
CREATE INDEX idempotency_keys_by_created ON idempotency_keys(created_us);

-- A single row the health check rewrites, to prove a write still commits.
CREATE TABLE storage_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at_us BIGINT NOT NULL
);
