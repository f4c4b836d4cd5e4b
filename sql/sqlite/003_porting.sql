-- Number portability facts imported from a file the operator licenses
-- (`phonebulk porting import`, issue 6 item 3). Looked up locally, no network.
-- Read only by the service's migrations (src/store/sqlite/migrations.cc).

-- number: E.164 digits without '+'. operator_name and mccmnc: the current
-- operator and its network ("23415"); '' when the file did not say.
-- ported_date_us: microseconds since the Unix epoch; NULL when not given.
-- WITHOUT ROWID: rows are small and always found by number, so the primary
-- key b-tree is the table (one lookup instead of index + rowid, and about
-- half the file size of a rowid table with a separate index).
--
-- A replace import builds a copy of this table from its definition in
-- sqlite_schema (src/store/sqlite/sqlite_porting.cc) and renames it over
-- this one, so keep everything about the table in this one statement: a
-- separate CREATE INDEX would be lost by the swap.
CREATE TABLE porting (
  number TEXT PRIMARY KEY,
  operator_name TEXT NOT NULL DEFAULT '',
  mccmnc TEXT NOT NULL DEFAULT '',
  ported_date_us INTEGER
) WITHOUT ROWID;
