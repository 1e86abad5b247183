package dev.leasehold.approval;

import java.util.Map;

/** A test provider registered in this module's test META-INF/services. */
public final class EchoChannelProvider implements ApprovalChannelProvider {
  @Override
  public String name() {
    return "echo";
  }

  @Override
  public ApprovalChannel create(Map<String, String> config) {
    String approver = config.getOrDefault("approver", "echo-user");
    return new ApprovalChannel() {
      @Override
      public Decision decide(ApprovalRequest request) {
        return new Decision.Denied(request.id(), approver, "echo denies");
      }

      @Override
      public void close() {}
    };
  }
}
