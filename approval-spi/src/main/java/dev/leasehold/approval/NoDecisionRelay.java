package dev.leasehold.approval;

import java.util.Objects;
import java.util.Optional;

/** {@link DecisionRelay#none()}: relays nothing. Stateless and thread-safe. */
final class NoDecisionRelay implements DecisionRelay {
  static final NoDecisionRelay INSTANCE = new NoDecisionRelay();

  private NoDecisionRelay() {}

  @Override
  public Announcement announce(RelayedRequest request, Receiver receiver) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(receiver, "receiver == null");
    return () -> { };
  }

  @Override
  public Optional<RelayedRequest> find(String requestId) {
    return Optional.empty();
  }

  @Override
  public Delivery deliver(RelayedRequest request, Decision decision) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(decision, "decision == null");
    return Delivery.NOT_PENDING;
  }

  @Override
  public String toString() {
    return "DecisionRelay.none()";
  }
}
