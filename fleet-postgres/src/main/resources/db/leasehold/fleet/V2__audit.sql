-- The fleet's audit trail: one hash chain for the whole fleet, appended to by every broker's
-- PostgresAuditSink. Each row holds exactly the record text a JsonLinesAuditSink writes as one line (the
-- same format, hash chain and HMAC keying: dev.leasehold.audit.internal.AuditChain), so that
-- `leasehold audit verify --jdbc URL` checks it with the same code as a file.
--
-- Append-only by grants: brokers get INSERT and SELECT on this table and nothing else (docs/fleet.md,
-- "Grants"), so a broker's role cannot rewrite or delete a record. Writers serialise the chain head with
-- the transaction-level advisory lock pg_advisory_xact_lock(7810756276994012516) (the bytes of "leaseaud"),
-- which needs no table privilege; the primary key refuses a duplicate sequence number even from a writer
-- that skipped the lock.
CREATE TABLE leasehold.audit_records (
  seq         bigint      PRIMARY KEY CHECK (seq >= 1),
  record      text        NOT NULL CHECK (length(record) > 0),
  broker_id   text        NOT NULL CHECK (length(broker_id) BETWEEN 1 AND 128),
  written_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE leasehold.audit_records IS
  'Leasehold audit chain (append-only: brokers hold INSERT and SELECT only). Verify with: leasehold audit verify --jdbc URL';
