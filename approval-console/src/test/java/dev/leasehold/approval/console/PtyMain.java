package dev.leasehold.approval.console;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalChannels;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import java.time.Instant;
import java.util.Map;

/**
 * Run by {@link PseudoTerminalTest} in a child JVM: loads the {@code console} channel by name, asks about
 * one request on the controlling terminal, and reports on stdout (which the test redirects to a file) what
 * it got. The expected code comes in {@code LEASEHOLD_EXPECTED_CODE}, so this program never prints a code.
 */
public final class PtyMain {
  private PtyMain() {}

  public static void main(String[] args) {
    Instant now = Instant.now();
    ApprovalRequest request = Requests.dev("req-pty-1").requestedAt(now).decideBy(now.plusSeconds(60)).build();
    System.out.println("console=" + (System.console() == null ? "null" : "present"));
    try (ApprovalChannel channel = ApprovalChannels.load("console",
        Map.of("approver", "alice", "timeout", "PT1M", "color", "off"))) {
      Decision decision = channel.decide(request);
      if (decision instanceof Decision.Approved approved) {
        String expected = System.getenv("LEASEHOLD_EXPECTED_CODE");
        System.out.println("APPROVED " + approved.requestId() + " by " + approved.approver() + " code-matches="
            + approved.mfaCode().map(code -> code.reveal().equals(expected)).orElse(false));
      } else {
        System.out.println(decision);
      }
      System.out.println(channel);
    } catch (ApprovalChannelException e) {
      System.out.println("ERROR " + e.kind() + ": " + e.getMessage());
    }
  }
}
