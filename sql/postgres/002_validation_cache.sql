-- The real-time endpoint's answer cache, the twin of
-- sql/sqlite/002_validation_cache.sql. Times are int64 microseconds since the
-- Unix epoch. Read only by src/store/postgres/pg_migrations.cc.

-- key_hash: SHA-256 (hex) of the number and the options that shape the
-- answer; result_blob: the encoded result (batch/result_codec.h).
CREATE TABLE validation_cache (
  key_hash TEXT PRIMARY KEY,
  result_blob BYTEA NOT NULL,
  created_us BIGINT NOT NULL
);
-- PurgeCachedResultsBefore.
CREATE INDEX validation_cache_by_created ON validation_cache(created_us);
