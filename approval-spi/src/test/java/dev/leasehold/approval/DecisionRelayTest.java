package dev.leasehold.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DecisionRelayTest {

  /** Records what it was asked; relays nothing. */
  private static final class RecordingRelay implements DecisionRelay {
    final List<RelayedRequest> announced = new ArrayList<>();
    int withdrawn;

    @Override
    public Announcement announce(RelayedRequest request, Receiver receiver) {
      announced.add(request);
      return () -> withdrawn++;
    }

    @Override
    public Optional<RelayedRequest> find(String requestId) {
      return Optional.empty();
    }

    @Override
    public Delivery deliver(RelayedRequest request, Decision decision) {
      return Delivery.NOT_PENDING;
    }

    @Override
    public String toString() {
      return "recording relay";
    }
  }

  @Test
  void noneRelaysNothing() {
    DecisionRelay none = DecisionRelay.none();
    ApprovalRequest request = Requests.sample();
    DecisionRelay.RelayedRequest facts = DecisionRelay.RelayedRequest.of(request, "C0", "1.0", request.decideBy());
    none.announce(facts, d -> true).close();
    assertThat(none.find(request.id())).isEmpty();
    assertThat(none.deliver(facts, new Decision.Denied(request.id(), "carol", "")))
        .isEqualTo(DecisionRelay.Delivery.NOT_PENDING);
    assertThat(DecisionRelay.none()).isSameAs(none);
  }

  @Test
  void theFactsOfARequestAreItsNonSecretFieldsAndWhereItWasShown() {
    ApprovalRequest request = Requests.sample().toBuilder().environment("prod").requiresRoleKeyConfirmation(true)
        .build();
    DecisionRelay.RelayedRequest facts = DecisionRelay.RelayedRequest.of(request, "C0LEASEHOLD", "1700.1",
        request.decideBy());
    assertThat(facts).isEqualTo(new DecisionRelay.RelayedRequest(request.id(), request.roleKey(), "prod",
        request.agent(), request.digest(), true, true, "C0LEASEHOLD", "1700.1", request.decideBy()));
    assertThat(facts.isProduction()).isTrue();
    assertThat(facts.toString()).doesNotContain(request.reason());
    assertThatThrownBy(() -> new DecisionRelay.RelayedRequest(" ", "r", "dev", "a", "d", true, false, "C", "1",
        Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestId");
  }

  @Test
  void aChannelThatNeedsNoRelayIgnoresIt() {
    RecordingRelay relay = new RecordingRelay();
    try (ApprovalChannel channel = ApprovalChannels.load("echo", Map.of("approver", "carol"), relay)) {
      assertThat(channel.decide(Requests.sample())).isEqualTo(new Decision.Denied("req-1", "carol", "echo denies"));
    }
    assertThat(relay.announced).isEmpty();
  }

  @Test
  void loadingByNameHandsTheRelayToTheProvider() throws Exception {
    RecordingRelay relay = new RecordingRelay();
    URL folder = getClass().getClassLoader().getResource("relaying-provider/");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {folder}, getClass().getClassLoader());
        ApprovalChannel channel = ApprovalChannels.load("relaying", Map.of(), relay, loader)) {
      assertThat(channel.decide(Requests.sample()))
          .isEqualTo(new Decision.Denied("req-1", "relaying-user", "announced on recording relay"));
    }
    assertThat(relay.announced).extracting(DecisionRelay.RelayedRequest::requestId).containsExactly("req-1");
    assertThat(relay.withdrawn).isOne();
  }
}
