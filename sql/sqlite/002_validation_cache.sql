-- The real-time endpoint's answer cache (POST /phone/validate/v2,
-- cache_value_days). Times are int64 microseconds since the Unix epoch.
-- Read only by the service's migrations (src/store/sqlite/migrations.cc).

-- key_hash: SHA-256 (hex) of the number and the options that shape the
-- answer; result_blob: the encoded result (batch/result_codec.h). One entry
-- per key, replaced by each fresh answer. A rowid table: blobs are a few
-- hundred bytes (WITHOUT ROWID suits small rows only).
CREATE TABLE validation_cache (
  key_hash TEXT NOT NULL UNIQUE,
  result_blob BLOB NOT NULL,
  created_us INTEGER NOT NULL
);
-- PurgeCachedResultsBefore.
CREATE INDEX validation_cache_by_created ON validation_cache(created_us);
