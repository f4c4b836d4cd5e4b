-- Request counts per account and wall-clock minute, shared by every node so
-- that one account's rate limit is one limit however many nodes serve it
-- (Store::CountRequest, src/store/postgres/pg_validation.cc). An account's
-- first request of a minute deletes its older minutes. Read only by
-- src/store/postgres/pg_migrations.cc.
CREATE TABLE rate_windows (
  account_id BIGINT NOT NULL,
  minute BIGINT NOT NULL,  -- Unix seconds / 60
  used INTEGER NOT NULL,
  PRIMARY KEY (account_id, minute)
);
