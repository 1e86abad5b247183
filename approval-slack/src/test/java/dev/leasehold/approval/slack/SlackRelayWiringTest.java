package dev.leasehold.approval.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalChannels;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.DecisionRelay;
import dev.leasehold.approval.ApprovalRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a decision relay is handed to the Slack channel. The relay's behaviour across brokers is tested in
 * fleet-postgres against a real database; here it is a relay that holds nothing.
 */
class SlackRelayWiringTest {

  @RegisterExtension
  final SlackStandIn slack = new SlackStandIn();

  /** A relay on which nothing is ever pending. */
  private static final class EmptyRelay implements DecisionRelay {
    final List<String> announced = new CopyOnWriteArrayList<>();
    final List<String> withdrawn = new CopyOnWriteArrayList<>();

    @Override
    public Announcement announce(RelayedRequest request, Receiver receiver) {
      announced.add(request.requestId());
      return () -> withdrawn.add(request.requestId());
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
      return "EmptyRelay";
    }
  }

  @Test
  void aChannelLoadedByNameWithARelayIsConnectedAtOnce() {
    try (ApprovalChannel channel = ApprovalChannels.load("slack", slack.config(), new EmptyRelay())) {
      assertThat(slack.socket.connectionCount()).isEqualTo(1);
      assertThat(channel.toString()).contains("relay=EmptyRelay");
    }
  }

  @Test
  void withoutARelayNothingConnectsUntilTheFirstDecision() {
    try (ApprovalChannel channel = ApprovalChannels.load("slack", slack.config(), DecisionRelay.none())) {
      assertThat(slack.calls("apps.connections.open")).isEmpty();
      assertThat(channel.toString()).doesNotContain("relay");
    }
  }

  @Test
  void aRelayedChannelThatSlackRefusesFailsAtStartAndLeavesNothingOpen() {
    slack.stubError("apps.connections.open", "invalid_auth");
    assertThatThrownBy(() -> ApprovalChannels.load("slack", slack.config(), new EmptyRelay()))
        .isInstanceOfSatisfying(ApprovalChannelException.class,
            e -> assertThat(e.kind()).isEqualTo(ApprovalChannelException.Kind.CONFIGURATION));
    assertThat(slack.socket.connectionCount()).isZero();
  }

  @Test
  void connectOpensTheSocketBeforeAnythingIsAskedAndTheBuilderKeepsTheRelay() {
    EmptyRelay relay = new EmptyRelay();
    SlackApprovalChannel channel = slack.channel(slack.builder().decisionRelay(relay));
    channel.connect();
    channel.connect();
    assertThat(slack.socket.connectionCount()).isEqualTo(1);
    assertThat(channel.toBuilder().build().toString()).contains("relay=EmptyRelay");
    assertThatThrownBy(() -> slack.builder().decisionRelay(null)).isInstanceOf(NullPointerException.class);
    channel.close();
    assertThatThrownBy(channel::connect).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anInteractionForARequestNeitherPendingHereNorOnTheRelayIsIgnored() throws Exception {
    EmptyRelay relay = new EmptyRelay();
    SlackApprovalChannel channel = slack.channel(slack.builder().decisionRelay(relay));
    channel.connect();
    slack.socket.awaitAck(slack.click("leasehold_approve", SlackStandIn.APPROVER, "req-elsewhere"));
    slack.socket.awaitAck(slack.submit(SlackStandIn.APPROVER, "req-elsewhere", "402917", null));
    slack.socket.awaitAck(slack.click("leasehold_deny", SlackStandIn.APPROVER, "req-elsewhere"));
    ApprovalRequest pending = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, pending);
    await().atMost(Duration.ofSeconds(10)).until(() -> relay.announced.contains(pending.id()));
    slack.barrier(pending.id()); // every follow-up of the interactions above has run
    assertThat(slack.calls("views.open")).isEmpty();
    assertThat(slack.calls("chat.postEphemeral")).hasSize(1); // the barrier's own refusal
    slack.click("leasehold_deny", SlackStandIn.APPROVER, pending.id());
    assertThat(decision.get(10, TimeUnit.SECONDS)).isInstanceOf(Decision.Denied.class);
    assertThat(relay.withdrawn).containsExactly(pending.id());
  }
}
