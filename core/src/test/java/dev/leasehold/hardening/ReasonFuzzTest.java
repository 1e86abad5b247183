package dev.leasehold.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.internal.AuditChain;
import dev.leasehold.internal.ReasonValidator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Fuzzes the reason validator, the first check every agent-written reason meets. The contract under
 * test: a reason is either refused with {@link InvalidRequestException} (whose message is one line, so
 * it cannot forge log or terminal lines) or accepted as text that keeps DESIGN.md's rules (12-256
 * characters, at least three words, no control or invisible characters); and an accepted reason written
 * into the audit trail stays one record on one line whose hash verifies.
 */
class ReasonFuzzTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @FuzzTest(maxDuration = "2m")
  void validate(byte[] input) {
    String reason = new String(input, StandardCharsets.UTF_8);
    String accepted;
    try {
      accepted = ReasonValidator.validate(reason);
    } catch (InvalidRequestException e) {
      // The message quotes vague reasons back; only accepted characters may appear, so no new lines.
      assertThat(e.getMessage()).doesNotContain("\n", "\r", "\u001b");
      return;
    }
    assertThat(accepted).isEqualTo(reason.strip());
    int length = accepted.codePointCount(0, accepted.length());
    assertThat(length).isBetween(ReasonValidator.MIN_LENGTH, ReasonValidator.MAX_LENGTH);
    assertThat(accepted.split("\\s+")).hasSizeGreaterThanOrEqualTo(ReasonValidator.MIN_WORDS);
    accepted.codePoints().forEach(cp -> assertThat(Character.isISOControl(cp)).as("U+%04X", cp).isFalse());

    String line = AuditChain.line(1, AuditEvent.builder(AuditEventType.REQUESTED, T).requestId("r-1").agent("hermes")
        .roleKey("s3-deploy").reason(accepted).intent(List.of("s3:PutObject")).outcome("asking").build(), AuditChain.GENESIS);
    assertThat(line).doesNotContain("\n", "\r");
    assertThat(AuditChain.storedHash(line)).isEqualTo(AuditChain.computedHash(line));
  }
}
