-- Number portability facts imported from a file the operator licenses, the
-- twin of sql/sqlite/003_porting.sql. Read only by
-- src/store/postgres/pg_migrations.cc.

-- number: E.164 digits without '+'. operator_name and mccmnc: the current
-- operator and its network ("23415"); '' when the file did not say.
-- ported_date_us: microseconds since the Unix epoch; NULL when not given.
-- A replace import builds a copy with CREATE TABLE ... (LIKE porting
-- INCLUDING ALL) and renames it over this one (pg_porting.cc).
CREATE TABLE porting (
  number TEXT PRIMARY KEY,
  operator_name TEXT NOT NULL DEFAULT '',
  mccmnc TEXT NOT NULL DEFAULT '',
  ported_date_us BIGINT
);
