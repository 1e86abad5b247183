package dev.leasehold.cli;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalChannelProvider;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Map;

/**
 * A test-only approval channel, registered under the name {@code test-approver} in the test class path only,
 * so that a {@code leasehold} process started by a test (or by the AWS CLI as a credential_process) can be
 * approved without a human. Settings: {@code log} (a file that gets one line per prompt, so tests can count
 * prompts across processes) and {@code latency-ms} (how long the "human" takes). Every approval carries a
 * fresh 6-digit code, as a real TOTP would.
 */
public final class TestApproverProvider implements ApprovalChannelProvider {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public String name() {
    return "test-approver";
  }

  @Override
  public ApprovalChannel create(Map<String, String> config) {
    String log = config.get("log");
    if (log == null) {
      throw new ApprovalChannelException(ApprovalChannelException.Kind.CONFIGURATION, "test-approver needs 'log'");
    }
    long latency = Long.parseLong(config.getOrDefault("latency-ms", "0"));
    return new ApprovalChannel() {
      @Override
      public Decision decide(ApprovalRequest request) {
        try {
          Files.writeString(Path.of(log), "prompt " + request.id() + " " + request.roleKey() + "\n",
              StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          Thread.sleep(latency);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new Decision.Expired(request.id());
        }
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        return request.requiresMfa() ? Decision.Approved.withCode(request.id(), "test-approver", MfaCode.of(code))
            : Decision.Approved.withoutCode(request.id(), "test-approver");
      }

      @Override
      public void close() {}
    };
  }
}
