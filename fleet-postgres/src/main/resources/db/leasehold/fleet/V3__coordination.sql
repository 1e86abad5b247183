-- Shared guard rails and one prompt per task (docs/fleet.md, "Shared guard rails and one prompt per task").
-- No table holds a credential or a reason in clear: tasks and cool-downs are keyed by HMACs under the brokers'
-- hand-off key, and a lease travels only sealed to a waiting broker's one-time key.

-- One row per approval prompt, counted per (agent, role) while it lives (the prompt rate limit's window).
CREATE TABLE leasehold.prompts (
  agent       text        NOT NULL,
  role_key    text        NOT NULL,
  broker_id   text        NOT NULL,
  taken_at    timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX prompts_by_role ON leasehold.prompts (agent, role_key, expires_at);

-- Denials in their cool-down, per (agent, role, intent).
CREATE TABLE leasehold.denials (
  key_digest  text        PRIMARY KEY,
  agent       text        NOT NULL,
  role_key    text        NOT NULL,
  request_id  text        NOT NULL,
  approver    text        NOT NULL,
  note        text        NOT NULL,
  expires_at  timestamptz NOT NULL
);

-- The asker of each task: 'pending' while it asks (until expires_at, and only while its broker heart-beats),
-- 'issued' while its lease is handed to brokers that join (until expires_at).
CREATE TABLE leasehold.tasks (
  task_digest text        PRIMARY KEY,
  request_id  text        NOT NULL,
  broker_id   text        NOT NULL,
  status      text        NOT NULL CHECK (status IN ('pending', 'issued')),
  approver    text,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);

-- Brokers waiting for a task's outcome, each with a one-time public key; the asker writes the outcome into the
-- row (a lease only sealed to public_key), the waiter reads it and deletes the row.
CREATE TABLE leasehold.task_waiters (
  waiter_id   text        PRIMARY KEY,
  task_digest text        NOT NULL,
  request_id  text        NOT NULL,
  broker_id   text        NOT NULL,
  public_key  bytea       NOT NULL CHECK (length(public_key) = 32),
  key_tag     bytea       NOT NULL,
  outcome     text        CHECK (outcome IN ('issued', 'denied', 'expired', 'failed')),
  detail      text,
  sealed      bytea,
  tag         bytea,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX task_waiters_by_task ON leasehold.task_waiters (task_digest, request_id);
