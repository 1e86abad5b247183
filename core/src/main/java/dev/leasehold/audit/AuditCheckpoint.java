package dev.leasehold.audit;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A record's place in an audit log, kept outside the log so that cutting records off its end can be seen:
 * the record's sequence number and its seal, which is its {@code mac} in a keyed log and its {@code hash}
 * in an unkeyed one. Written {@code SEQ:SEAL}, for example {@code 42:9f86d0...}.
 *
 * <p>The rule: a log is only known to reach as far as the last checkpoint that was kept somewhere its
 * writers cannot change (a log service, another host, a ticket). {@link AuditVerifier} given a checkpoint
 * reports the log as truncated when it ends before that record, and as rewritten when that record's seal
 * differs. A checkpoint holds no secret: the seal is already in the log. Take one from
 * {@link JsonLinesAuditSink#checkpoint()} or from the output of {@code leasehold audit verify}. In a keyed
 * log, a checkpoint proves the most together with the key: with the key every seal up to it is checked.
 *
 * @param seq the record's sequence number, 1 or more
 * @param seal the record's MAC (keyed log) or hash (unkeyed log): 64 lower-case hex digits
 */
public record AuditCheckpoint(long seq, String seal) {
  private static final Pattern TEXT = Pattern.compile("(\\d{1,18}):([0-9a-f]{64})");

  /** Validates the fields. */
  public AuditCheckpoint {
    if (seq < 1) {
      throw new IllegalArgumentException("a checkpoint's sequence number is 1 or more, was " + seq);
    }
    Objects.requireNonNull(seal, "seal == null");
    if (!seal.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a checkpoint's seal is 64 lower-case hex digits (a record's mac or hash)");
    }
  }

  /**
   * Parses {@code SEQ:SEAL}, as {@link #toString()} writes it (surrounding white space is ignored).
   *
   * @throws IllegalArgumentException when the text is not of that form
   */
  public static AuditCheckpoint parse(String text) {
    Objects.requireNonNull(text, "text == null");
    Matcher m = TEXT.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("a checkpoint is SEQ:SEAL, a record's sequence number and its 64-hex-digit "
          + "mac (keyed log) or hash (unkeyed log), such as 42:" + "9f86d081".repeat(8));
    }
    return new AuditCheckpoint(Long.parseLong(m.group(1)), m.group(2));
  }

  /** {@code SEQ:SEAL}. */
  @Override
  public String toString() {
    return seq + ":" + seal;
  }
}
