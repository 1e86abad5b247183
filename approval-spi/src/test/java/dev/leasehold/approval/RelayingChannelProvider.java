package dev.leasehold.approval;

import java.util.Map;

/**
 * A test provider (registered only under {@code relaying-provider/}) whose channel announces every request on
 * the relay it was created with, and denies it.
 */
public final class RelayingChannelProvider implements ApprovalChannelProvider {
  @Override
  public String name() {
    return "relaying";
  }

  @Override
  public ApprovalChannel create(Map<String, String> config) {
    return create(config, DecisionRelay.none());
  }

  @Override
  public ApprovalChannel create(Map<String, String> config, DecisionRelay relay) {
    return new ApprovalChannel() {
      @Override
      public Decision decide(ApprovalRequest request) {
        try (DecisionRelay.Announcement announced = relay.announce(
            DecisionRelay.RelayedRequest.of(request, "C0TEST", "1.0", request.decideBy()), d -> true)) {
          return new Decision.Denied(request.id(), "relaying-user", "announced on " + relay);
        }
      }

      @Override
      public void close() {}
    };
  }
}
