-- Webhooks: endpoints an account registers, and the outbox of deliveries to
-- them. A delivery row is inserted by the transaction that ends its batch
-- (EndBatch), one per webhook of the batch's account; a worker claims it
-- (attempts + 1, next_attempt_us = now + lease), sends it, and records the
-- outcome. message_id is the Standard Webhooks `webhook-id`, the same on
-- every attempt. Read only by src/store/postgres/pg_migrations.cc.
CREATE TABLE webhooks (
  id BIGSERIAL PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_us BIGINT NOT NULL
);
CREATE INDEX webhooks_by_account ON webhooks (account_id);

CREATE TABLE webhook_deliveries (
  id BIGSERIAL PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  webhook_id BIGINT NOT NULL REFERENCES webhooks(id),
  event_type TEXT NOT NULL,
  batch_id TEXT NOT NULL REFERENCES batches(id),
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  created_us BIGINT NOT NULL,
  next_attempt_us BIGINT NOT NULL,
  ended_us BIGINT,
  last_error TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_us)
  WHERE state = 'pending';
