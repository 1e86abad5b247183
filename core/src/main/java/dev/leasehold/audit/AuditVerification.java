package dev.leasehold.audit;

/**
 * The result of verifying an audit log.
 *
 * @param intact true when every record's hash, sequence and chain link check out
 * @param records how many records were read (up to and including the first bad one)
 * @param firstBadLine the 1-based line number of the first bad record, or 0 when intact
 * @param problem what is wrong with that line, or empty when intact
 */
public record AuditVerification(boolean intact, long records, int firstBadLine, String problem) {}
