package dev.leasehold.approval.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.leasehold.approval.slack.SlackStandIn.APPROVER;
import static dev.leasehold.approval.slack.SlackStandIn.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SlackConnectionTest {

  @RegisterExtension
  final SlackStandIn slack = new SlackStandIn();

  @Test
  void aDisconnectEnvelopeMakesTheClientReconnectAndTheDecisionStillArrives() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();

    slack.socket.sendDisconnect();

    slack.awaitCalls("apps.connections.open", 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> slack.socket.connectionCount() == 2);
    approve(request);
    assertThat(decision.get(10, TimeUnit.SECONDS))
        .isEqualTo(Decision.Approved.withCode(request.id(), APPROVER, MfaCode.of("402917")));
  }

  @Test
  void aDroppedSocketIsReopenedAndTheDecisionStillArrives() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();

    slack.socket.dropConnections();

    await().atMost(Duration.ofSeconds(20)).until(() -> slack.calls("apps.connections.open").size() == 2
        && slack.socket.hasOpenConnection());
    approve(request);
    assertThat(decision.get(10, TimeUnit.SECONDS)).isInstanceOf(Decision.Approved.class);
  }

  @Test
  void everyEnvelopeTypeWithAnEnvelopeIdIsAcknowledgedAsSlackRequires() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    slack.decideAsync(channel, slack.request().build());
    slack.awaitPosted();
    JsonObject event = new JsonObject();
    event.addProperty("type", "event_callback");
    event.addProperty("team_id", "T0LEASEHOLD");
    JsonObject command = new JsonObject();
    command.addProperty("command", "/leasehold");
    command.addProperty("text", "status");

    String eventsApi = slack.socket.sendEnvelope("events_api", event);
    String slashCommand = slack.socket.sendEnvelope("slash_commands", command);
    String unknownType = slack.socket.sendEnvelope("some_future_type", new JsonObject());

    for (String envelopeId : List.of(eventsApi, slashCommand, unknownType)) {
      JsonObject ack = slack.socket.awaitAck(envelopeId);
      assertThat(ack.keySet()).as("a plain acknowledgement of %s", envelopeId).containsExactly("envelope_id");
    }
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> slack.socket.acks(eventsApi).size() == 1 && slack.socket.acks(slashCommand).size() == 1);
  }

  @Test
  void envelopesAreAcknowledgedAndDecidedAtOnceEvenWhileTheWebApiIsSlow() throws Exception {
    slack.web.stubFor(post("/api/views.open").willReturn(okJson("{\"ok\":true}").withFixedDelay(4000)));
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();
    slack.socket.awaitAck(slack.click("leasehold_approve", APPROVER, request.id()));
    slack.awaitCalls("views.open", 1); // now blocked for 4 s

    long sent = System.nanoTime();
    slack.socket.awaitAck(slack.click("leasehold_deny", APPROVER, request.id()));

    assertThat(decision.get(2, TimeUnit.SECONDS)).isInstanceOf(Decision.Denied.class);
    assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aSlowOutcomeUpdateNeverDelaysTheDecision() throws Exception {
    slack.web.stubFor(post("/api/chat.update").willReturn(okJson("{\"ok\":true}").withFixedDelay(3000)));
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();

    slack.click("leasehold_deny", APPROVER, request.id());

    assertThat(decision.get(1, TimeUnit.SECONDS)).isInstanceOf(Decision.Denied.class);
    slack.awaitCalls("chat.update", 1);
  }

  @Test
  void closeExpiresPendingRequestsMarksTheirMessagesAndRefusesNewOnes() throws Exception {
    SlackApprovalChannel channel = slack.channel();
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitPosted();

    channel.close();

    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Expired(request.id()));
    assertThat(texts(slack.awaitCalls("chat.update", 1).get(0).get("blocks")))
        .anySatisfy(t -> assertThat(t.text()).contains("*Expired*", "the approval channel was closed"));
    assertThatThrownBy(() -> channel.decide(slack.request().build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void closeStopsEveryThreadTheChannelStarted() throws Exception {
    denyOnce(slack.channel()); // loads the SDK's JVM-wide singletons and their threads
    Set<Thread> before = Thread.getAllStackTraces().keySet();

    denyOnce(slack.channel());

    await().pollInSameThread().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
  }

  private void denyOnce(SlackApprovalChannel channel) throws Exception {
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(channel, request);
    slack.awaitCalls("chat.postMessage", slack.calls("chat.postMessage").size() + 1);
    slack.click("leasehold_deny", APPROVER, request.id());
    assertThat(decision.get(10, TimeUnit.SECONDS)).isInstanceOf(Decision.Denied.class);
    channel.close();
  }

  /**
   * Threads started since {@code before} that are still alive, except the test's own caller pool and
   * OkHttp's JVM-wide task runner and watchdog, which every OkHttp client shares and which end by
   * themselves when idle.
   */
  private static List<String> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(name -> !name.startsWith("pool-") && !name.equals("OkHttp TaskRunner")
            && !name.equals("Okio Watchdog"))
        .toList();
  }

  private void approve(ApprovalRequest request) {
    slack.click("leasehold_approve", APPROVER, request.id());
    slack.awaitCalls("views.open", 1);
    slack.submit(APPROVER, request.id(), "402917", null);
  }
}
