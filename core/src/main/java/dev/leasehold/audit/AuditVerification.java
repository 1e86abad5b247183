package dev.leasehold.audit;

/**
 * The result of verifying an audit log.
 *
 * @param intact true when every check made came out right (see {@link AuditVerifier} for which checks a
 *     key and a checkpoint add)
 * @param records how many records were read (up to and including the first bad one)
 * @param firstBadLine the 1-based line number of the first bad record, or 0 when intact
 * @param problem what is wrong with that line, or empty when intact
 * @param macsChecked true when a key was given, so every record's MAC was checked as well as its hash
 * @param last the checkpoint of the last record when intact (keep it elsewhere to detect truncation
 *     later), or null when not intact or the log is empty
 */
public record AuditVerification(boolean intact, long records, int firstBadLine, String problem, boolean macsChecked,
    AuditCheckpoint last) {}
