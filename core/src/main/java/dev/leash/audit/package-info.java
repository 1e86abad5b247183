/**
 * The audit trail: every step of every request (requested, approved, denied, expired, assumed,
 * assume-failed, each guarded call, closed) as an {@link dev.leash.audit.AuditEvent}, written by an
 * {@link dev.leash.audit.AuditSink}. The default sink, {@link dev.leash.audit.JsonLinesAuditSink}, chains
 * records with SHA-256 so {@link dev.leash.audit.AuditVerifier} finds any edited, dropped or reordered
 * line. A sink failure fails the request closed. No audit record ever holds a secret.
 */
package dev.leash.audit;
