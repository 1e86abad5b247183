/**
 * The audit trail: every step of every request (requested, approved, denied, expired, assumed,
 * assume-failed, each guarded call, closed) as an {@link dev.leasehold.audit.AuditEvent}, written by an
 * {@link dev.leasehold.audit.AuditSink} before the step goes on. A sink failure fails the request closed.
 * No audit record ever holds a secret.
 *
 * <p>The default sink, {@link dev.leasehold.audit.JsonLinesAuditSink}, configured by
 * {@link dev.leasehold.audit.AuditLog}, chains records with SHA-256 and lets any number of writer
 * processes share one file (each append holds a file lock). What {@link dev.leasehold.audit.AuditVerifier}
 * can then prove depends on what it is given:
 *
 * <ul>
 *   <li>the file alone (an unkeyed log, or no key): no accidental damage, no careless edit, no dropped or
 *       reordered line; but not that nobody rewrote it, since anyone who can write the file can recompute
 *       plain SHA-256 hashes;
 *   <li>the log's {@link dev.leasehold.audit.AuditKey}: also that nobody without the key edited, deleted,
 *       inserted or re-chained a record (every record carries an HMAC-SHA256 seal);
 *   <li>an {@link dev.leasehold.audit.AuditCheckpoint} kept elsewhere: also that the log was not cut off
 *       before that record.
 * </ul>
 */
package dev.leasehold.audit;
