/**
 * The audit trail: every step of every request (requested, approved, denied, expired, assumed,
 * assume-failed, each guarded call, closed) as an {@link dev.leasehold.audit.AuditEvent}, written by an
 * {@link dev.leasehold.audit.AuditSink}. The default sink, {@link dev.leasehold.audit.JsonLinesAuditSink}, chains
 * records with SHA-256 so {@link dev.leasehold.audit.AuditVerifier} finds any edited, dropped or reordered
 * line. A sink failure fails the request closed. No audit record ever holds a secret.
 */
package dev.leasehold.audit;
