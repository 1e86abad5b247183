-- Slack across brokers: a decision that one broker receives for a request another broker posted travels
-- through these two tables (docs/fleet.md, "Slack across brokers").
--
-- relay_requests: one row per request a broker is waiting on, written by that broker (the asker) and deleted by
-- it when the request ends, or by any broker once the deadline has passed. It holds only non-secret facts and
-- the asker's one-time public key (X25519, 32 bytes); the private half never leaves the asker's memory.
CREATE TABLE leasehold.relay_requests (
  request_id      text        PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 200),
  broker_id       text        NOT NULL CHECK (length(broker_id) BETWEEN 1 AND 128),
  public_key      bytea       NOT NULL CHECK (length(public_key) = 32),
  role_key        text        NOT NULL,
  environment     text        NOT NULL,
  agent           text        NOT NULL,
  digest          text        NOT NULL,
  requires_mfa    boolean     NOT NULL,
  requires_role_key boolean   NOT NULL,
  conversation    text        NOT NULL,
  message_id      text        NOT NULL,
  deadline        timestamptz NOT NULL,
  announced_at    timestamptz NOT NULL
);
CREATE INDEX relay_requests_deadline ON leasehold.relay_requests (deadline);
CREATE INDEX relay_requests_broker ON leasehold.relay_requests (broker_id);

-- relay_decisions: at most one decision per request (the primary key makes the first one win), written by the
-- broker that received the interaction, read and deleted by the asker. The MFA code is only ever here sealed to
-- the asker's one-time key (HPKE, bound to the request id); a denial carries no code.
CREATE TABLE leasehold.relay_decisions (
  request_id      text        PRIMARY KEY REFERENCES leasehold.relay_requests (request_id) ON DELETE CASCADE,
  outcome         text        NOT NULL CHECK (outcome IN ('approved', 'denied')),
  approver        text        NOT NULL CHECK (length(approver) BETWEEN 1 AND 200),
  sealed_code     bytea       CHECK (sealed_code IS NULL OR length(sealed_code) BETWEEN 33 AND 512),
  relayed_by      text        NOT NULL CHECK (length(relayed_by) BETWEEN 1 AND 128),
  decided_at      timestamptz NOT NULL,
  CHECK ((outcome = 'approved') = (sealed_code IS NOT NULL))
);
