-- Idempotent batch creation (Idempotency-Key on POST /phone/bulk/v1/batches)
-- and the storage health probe. Read only by the service's migrations
-- (src/store/sqlite/migrations.cc).

-- One row per (account, key) used on a create, written in the transaction
-- that stores the batch, so a create either left both or neither.
-- request_hash: SHA-256 (hex) of the request body, to tell a replay from a
-- reuse of the key with another body. created_us: purged after 24 hours.
CREATE TABLE idempotency_keys (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  created_us INTEGER NOT NULL,
  PRIMARY KEY (account_id, idem_key)
);
CREATE INDEX idempotency_keys_by_created ON idempotency_keys(created_us);

-- A single row the health check rewrites, to prove a write still commits
-- (a full disk or a read-only file shows here before a client's write).
CREATE TABLE storage_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at_us INTEGER NOT NULL
);
