package dev.leasehold.fleet.postgres;

import static dev.leasehold.approval.slack.SlackStandIn.APPROVER;
import static dev.leasehold.approval.slack.SlackStandIn.CHANNEL;
import static dev.leasehold.approval.slack.SlackStandIn.MESSAGE_TS;
import static dev.leasehold.approval.slack.SlackStandIn.STRANGER;
import static dev.leasehold.approval.slack.SlackStandIn.json;
import static dev.leasehold.approval.slack.SlackStandIn.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonObject;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.ApprovalChannels;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.MfaCode;
import dev.leasehold.approval.slack.LogCapture;
import dev.leasehold.approval.slack.SlackApprovalChannel;
import dev.leasehold.approval.slack.SlackStandIn;
import dev.leasehold.fleet.postgres.internal.PostgresDecisionRelay;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Three brokers of one fleet in one JVM: each is a Slack channel with its own Socket Mode connection to the
 * local Socket Mode server, its own bot token on the WireMock Web API (so that every Web API call can be
 * traced to the broker that made it), and its own {@link PostgresFleet} on one real PostgreSQL database. Slack
 * hands interactions to any connection of the app; here the test picks which.
 *
 * <p>The clock stands still unless a test moves it, so the relay's polling never runs by itself: a decision
 * that arrives quickly arrived through {@code NOTIFY}.
 */
class SlackAcrossBrokersTest {

  private static final String CODE = "402917";
  /** The code as the hex PostgreSQL prints a bytea in. */
  private static final String CODE_HEX = "343032393137";
  private static final int A = 0;
  private static final int B = 1;
  private static final int C = 2;

  @RegisterExtension
  final SlackStandIn slack = new SlackStandIn();
  @RegisterExtension
  final LogCapture logs = new LogCapture(Level.DEBUG);

  private String url;
  private final List<PostgresFleet> fleets = new ArrayList<>();
  private final List<SlackApprovalChannel> brokers = new ArrayList<>();

  @BeforeEach
  void startThreeBrokers() {
    url = FleetDatabases.newDatabase();
    broker("broker-a", List.of(APPROVER));
    broker("broker-b", List.of(APPROVER, "U0ROGUE"));
    broker("broker-c", List.of(APPROVER));
  }

  /** A broker: its fleet, its channel (connected now, so its connection index is its place in the list). */
  private void broker(String id, List<String> approvers) {
    PostgresFleet fleet = FleetDatabases.fleet(url).brokerId(id).clock(slack.clock).start();
    fleets.add(fleet);
    SlackApprovalChannel channel = slack.channel(slack.builder()
        .botToken(botToken(brokers.size()))
        .approvers(approvers)
        .decisionRelay(fleet.decisionRelay()));
    channel.connect();
    brokers.add(channel);
    assertThat(slack.socket.connectionCount()).isEqualTo(brokers.size());
  }

  @AfterEach
  void stopBrokers() {
    brokers.forEach(SlackApprovalChannel::close);
    fleets.forEach(PostgresFleet::close);
    assertThat(logs.text()).doesNotContain(CODE);
  }

  private static String botToken(int broker) {
    return "xoxb-1111111111-2222222222-Broker" + (char) ('A' + broker) + "Token";
  }

  @Test
  void aClickAndACodeDeliveredToBrokerBDecideTheRequestBrokerAPosted() throws Exception {
    try (Connection listener = FleetDatabases.adminAt(url)) {
      try (Statement st = listener.createStatement()) {
        st.execute("LISTEN " + PostgresDecisionRelay.CHANNEL);
      }
      ApprovalRequest request = slack.request().build();
      CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
      slack.awaitCalls("chat.postMessage", 1);
      assertThat(from(slack.calls("chat.postMessage").get(0))).isEqualTo(A);
      awaitAnnounced(request.id());

      String click = slack.socket.sendInteractiveOn(B, slack.clickPayload("leasehold_approve", APPROVER, request.id()));
      assertThat(slack.socket.awaitAck(click).keySet()).containsExactly("envelope_id");
      slack.awaitCalls("views.open", 1);
      LoggedRequest viewsOpen = slack.calls("views.open").get(0);
      assertThat(from(viewsOpen)).isEqualTo(B);
      Map<String, String> open = SlackStandIn.form(viewsOpen);
      assertThat(open).containsEntry("trigger_id", SlackStandIn.triggerId(APPROVER));
      JsonObject modal = json(open.get("view")).getAsJsonObject();
      assertThat(modal.get("private_metadata").getAsString()).isEqualTo(request.id());
      assertThat(modal.toString()).contains("digest " + request.digest()).contains("leasehold_mfa");

      String submit = slack.socket.sendInteractiveOn(B, slack.submitPayload(APPROVER, request.id(), CODE, null));
      assertThat(slack.socket.awaitAck(submit).keySet()).containsExactly("envelope_id");

      assertThat(decision.get(10, TimeUnit.SECONDS))
          .isEqualTo(Decision.Approved.withCode(request.id(), APPROVER, MfaCode.of(CODE)));
      Map<String, String> update = slack.awaitCalls("chat.update", 1).get(0);
      assertThat(from(slack.calls("chat.update").get(0))).isEqualTo(A);
      assertThat(update).containsEntry("channel", CHANNEL).containsEntry("ts", MESSAGE_TS);
      assertThat(texts(update.get("blocks"))).anySatisfy(t -> assertThat(t.text()).startsWith(
          ":white_check_mark: *Approved* by <@" + APPROVER + ">"));
      awaitRelayTablesEmpty();
      barrier(A, slack.request().build());
      assertThat(slack.calls("views.open")).hasSize(1);
      assertThat(approvedUpdates()).isOne();
      assertThat(slack.web.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getBodyAsString())
          .doesNotContain(CODE));

      PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(1000);
      assertThat(notifications).extracting(PGNotification::getParameter).containsExactly(request.id());
    }
  }

  @Test
  void aProductionRoleNeedsItsRoleKeyOnTheBrokerThatGetsTheSubmissionWhichMayBeAThirdOne() throws Exception {
    ApprovalRequest request = slack.request().environment("prod").requiresRoleKeyConfirmation(true).build();
    CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
    awaitAnnounced(request.id());

    slack.socket.sendInteractiveOn(B, slack.clickPayload("leasehold_approve", APPROVER, request.id()));
    JsonObject modal = json(slack.awaitCalls("views.open", 1).get(0).get("view")).getAsJsonObject();
    assertThat(modal.toString()).contains("leasehold_role_key").contains("leasehold_mfa");

    String wrong = slack.socket.sendInteractiveOn(C, slack.submitPayload(APPROVER, request.id(), CODE, "s3-deplo"));
    JsonObject ack = slack.socket.awaitAck(wrong);
    assertThat(ack.getAsJsonObject("payload").get("response_action").getAsString()).isEqualTo("errors");
    assertThat(ack.getAsJsonObject("payload").getAsJsonObject("errors").keySet())
        .containsExactly("leasehold_role_key");
    assertThat(ack.toString()).doesNotContain(CODE);
    assertThat(Secrets.count(url, "relay_decisions")).isZero();
    assertThat(decision).isNotDone();

    slack.socket.sendInteractiveOn(C, slack.submitPayload(APPROVER, request.id(), CODE, "s3-deploy"));
    assertThat(decision.get(10, TimeUnit.SECONDS))
        .isEqualTo(Decision.Approved.withCode(request.id(), APPROVER, MfaCode.of(CODE)));
  }

  @Test
  void aDenialClickedOnBrokerBDeniesTheRequestBrokerAPosted() throws Exception {
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
    awaitAnnounced(request.id());

    slack.socket.sendInteractiveOn(B, slack.clickPayload("leasehold_deny", APPROVER, request.id()));

    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Denied(request.id(), APPROVER, ""));
    slack.awaitCalls("chat.update", 1);
    assertThat(from(slack.calls("chat.update").get(0))).isEqualTo(A);
    assertThat(texts(SlackStandIn.form(slack.calls("chat.update").get(0)).get("blocks"))).anySatisfy(t ->
        assertThat(t.text()).startsWith(":no_entry: *Denied* by <@" + APPROVER + ">"));
    assertThat(slack.calls("views.open")).isEmpty();
    awaitRelayTablesEmpty();
  }

  @Test
  void someoneNotOnBrokerBsAllowListIsRefusedThereAndNothingIsRelayed() throws Exception {
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
    awaitAnnounced(request.id());

    slack.socket.awaitAck(slack.socket.sendInteractiveOn(B,
        slack.clickPayload("leasehold_approve", STRANGER, request.id())));
    slack.socket.awaitAck(slack.socket.sendInteractiveOn(B,
        slack.submitPayload(STRANGER, request.id(), CODE, null)));
    slack.socket.awaitAck(slack.socket.sendInteractiveOn(B,
        slack.clickPayload("leasehold_deny", STRANGER, request.id())));

    List<LoggedRequest> refusals = awaitRequests("chat.postEphemeral", 3);
    assertThat(refusals).allSatisfy(r -> {
      assertThat(from(r)).isEqualTo(B);
      assertThat(SlackStandIn.form(r)).containsEntry("user", STRANGER).containsEntry("channel", CHANNEL)
          .hasEntrySatisfying("text", t -> assertThat(t).contains("still pending"));
    });
    assertThat(slack.calls("views.open")).isEmpty();
    assertThat(Secrets.count(url, "relay_decisions")).isZero();
    assertThat(decision).isNotDone();

    slack.socket.sendInteractiveOn(C, slack.clickPayload("leasehold_deny", APPROVER, request.id()));
    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Denied(request.id(), APPROVER, ""));
  }

  @Test
  void anApproverOnlyBrokerBAllowsIsRefusedAgainByTheBrokerThatAsked() throws Exception {
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
    awaitAnnounced(request.id());

    slack.socket.sendInteractiveOn(B, slack.clickPayload("leasehold_deny", "U0ROGUE", request.id()));

    await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().contains(
        "Refused a relayed decision on request " + request.id() + " from U0ROGUE, who is not an approver"));
    await().atMost(Duration.ofSeconds(10)).until(() -> Secrets.count(url, "relay_decisions") == 0);
    assertThat(Secrets.count(url, "relay_requests")).isOne();
    assertThat(decision).isNotDone();

    slack.socket.sendInteractiveOn(B, slack.clickPayload("leasehold_approve", APPROVER, request.id()));
    slack.awaitCalls("views.open", 1);
    slack.socket.sendInteractiveOn(B, slack.submitPayload(APPROVER, request.id(), CODE, null));
    assertThat(decision.get(10, TimeUnit.SECONDS))
        .isEqualTo(Decision.Approved.withCode(request.id(), APPROVER, MfaCode.of(CODE)));
  }

  @Test
  void aReplayedSubmissionChangesNothingAndTheAskerGetsExactlyOneDecision() throws Exception {
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
    awaitAnnounced(request.id());
    JsonObject submission = slack.submitPayload(APPROVER, request.id(), CODE, null);

    slack.socket.sendInteractiveOn(B, "env-replayed", submission);
    assertThat(decision.get(10, TimeUnit.SECONDS))
        .isEqualTo(Decision.Approved.withCode(request.id(), APPROVER, MfaCode.of(CODE)));
    awaitRelayTablesEmpty();

    // Slack redelivers the same envelope to another connection; the same submission, with other codes, and a
    // denial arrive on every broker after the decision
    slack.socket.sendInteractiveOn(C, "env-replayed", submission);
    slack.socket.sendInteractiveOn(B, slack.submitPayload(APPROVER, request.id(), "111111", null));
    slack.socket.sendInteractiveOn(A, slack.submitPayload(APPROVER, request.id(), "222222", null));
    slack.socket.sendInteractiveOn(C, slack.clickPayload("leasehold_deny", APPROVER, request.id()));
    await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().split(
        "Ignored a Slack interaction from " + APPROVER + " for request " + request.id(), -1).length - 1 >= 4);

    assertThat(Secrets.count(url, "relay_decisions")).isZero();
    assertThat(Secrets.count(url, "relay_requests")).isZero();
    barrier(A, slack.request().build());
    assertThat(approvedUpdates()).isOne();
    assertThat(logs.text()).doesNotContain("111111").doesNotContain("222222");
  }

  @Test
  void aBrokerThatMissesTheNotificationStillGetsTheDecisionAtItsNextPoll() throws Exception {
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
    awaitAnnounced(request.id());
    killListener("broker-a");

    slack.socket.sendInteractiveOn(B, slack.clickPayload("leasehold_approve", APPROVER, request.id()));
    slack.awaitCalls("views.open", 1);
    slack.socket.sendInteractiveOn(B, slack.submitPayload(APPROVER, request.id(), CODE, null));
    await().atMost(Duration.ofSeconds(10)).until(() -> Secrets.count(url, "relay_decisions") == 1);

    // while the decision waits in the database: only the sealed code, never the code
    String tables = dumpSchema();
    assertThat(tables).contains(request.id()).doesNotContain(CODE).doesNotContainIgnoringCase(CODE_HEX);
    assertThat(sealedCodeLength(request.id())).isGreaterThan(32 + 6);
    Thread.sleep(500); // a notification would have arrived by now; bounded, and only to show none did
    assertThat(decision).isNotDone();

    slack.clock.advance(PostgresFleet.DEFAULT_RELAY_POLL_INTERVAL);

    assertThat(decision.get(5, TimeUnit.SECONDS))
        .isEqualTo(Decision.Approved.withCode(request.id(), APPROVER, MfaCode.of(CODE)));
    awaitRelayTablesEmpty();
    assertThat(dumpSchema()).doesNotContain(CODE).doesNotContainIgnoringCase(CODE_HEX);
  }

  @Test
  void theListenerComesBackAfterTheReconnectDelay() throws Exception {
    killListener("broker-a");
    slack.clock.advance(PostgresDecisionRelay.RECONNECT_DELAY);
    await().atMost(Duration.ofSeconds(10)).until(() -> listenerPid("broker-a") != null);
    // the poll that the clock move also triggered has run by now; from here on only NOTIFY can decide
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
    awaitAnnounced(request.id());
    slack.socket.sendInteractiveOn(C, slack.clickPayload("leasehold_deny", APPROVER, request.id()));
    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Denied(request.id(), APPROVER, ""));
  }

  @Test
  void aBrokerThatLoadsTheChannelByNameWithItsRelayIsConnectedAtOnceAndRelays() throws Exception {
    PostgresFleet fleet = FleetDatabases.fleet(url).brokerId("broker-d").clock(slack.clock).start();
    fleets.add(fleet);
    ApprovalChannel d = ApprovalChannels.load("slack", slack.config(), fleet.decisionRelay());
    try {
      assertThat(slack.socket.connectionCount()).isEqualTo(4);
      ApprovalRequest request = slack.request().build();
      CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
      awaitAnnounced(request.id());

      slack.socket.sendInteractiveOn(3, slack.clickPayload("leasehold_deny", APPROVER, request.id()));

      assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Denied(request.id(), APPROVER, ""));
    } finally {
      d.close();
    }
  }

  @Test
  void aRequestThatCannotBeSharedWithTheFleetIsWithdrawnAndFailsClosed() throws Exception {
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE leasehold.relay_requests RENAME TO relay_requests_gone");
    }
    ApprovalRequest request = slack.request().build();

    assertThatThrownBy(() -> brokers.get(A).decide(request))
        .isInstanceOfSatisfying(ApprovalChannelException.class,
            e -> assertThat(e.kind()).isEqualTo(ApprovalChannelException.Kind.UNAVAILABLE))
        .hasMessageContaining(request.id());
    Map<String, String> update = slack.awaitCalls("chat.update", 1).get(0);
    assertThat(update.get("blocks")).contains("*Not decided*").contains("could not share this request")
        .doesNotContain("leasehold_approve");
  }

  @Test
  void aDecisionThatCannotBeRelayedTellsTheApproverAndLeavesTheRequestPending() throws Exception {
    ApprovalRequest request = slack.request().build();
    CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
    awaitAnnounced(request.id());
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE leasehold.relay_decisions RENAME TO relay_decisions_gone");
    }

    slack.socket.sendInteractiveOn(B, slack.clickPayload("leasehold_deny", APPROVER, request.id()));

    LoggedRequest told = awaitRequests("chat.postEphemeral", 1).get(0);
    assertThat(from(told)).isEqualTo(B);
    assertThat(SlackStandIn.form(told)).containsEntry("user", APPROVER)
        .hasEntrySatisfying("text", t -> assertThat(t).contains("could not pass your decision").contains("try again"));
    assertThat(decision).isNotDone();
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE leasehold.relay_decisions_gone RENAME TO relay_decisions");
    }
    slack.socket.sendInteractiveOn(B, slack.clickPayload("leasehold_deny", APPROVER, request.id()));
    assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(new Decision.Denied(request.id(), APPROVER, ""));
  }

  @Test
  void aRoleWithoutMfaIsNotApprovedThroughAnotherBroker() throws Exception {
    ApprovalRequest request = slack.request().requiresMfa(false).build();
    CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(A), request);
    awaitAnnounced(request.id());

    slack.socket.sendInteractiveOn(B, slack.clickPayload("leasehold_approve", APPROVER, request.id()));
    slack.socket.sendInteractiveOn(B, slack.submitPayload(APPROVER, request.id(), null, null));

    List<LoggedRequest> told = awaitRequests("chat.postEphemeral", 2);
    assertThat(told).allSatisfy(r -> assertThat(SlackStandIn.form(r).get("text"))
        .contains("approvals without a code are not passed between brokers"));
    assertThat(slack.calls("views.open")).isEmpty();
    assertThat(Secrets.count(url, "relay_decisions")).isZero();
    assertThat(decision).isNotDone();

    slack.socket.sendInteractiveOn(A, slack.clickPayload("leasehold_approve", APPROVER, request.id()));
    slack.awaitCalls("views.open", 1);
    assertThat(from(slack.calls("views.open").get(0))).isEqualTo(A);
    slack.socket.sendInteractiveOn(A, slack.submitPayload(APPROVER, request.id(), null, null));
    assertThat(decision.get(10, TimeUnit.SECONDS))
        .isEqualTo(Decision.Approved.withoutCode(request.id(), APPROVER));
  }

  // ---- helpers ----

  /** How many message updates say "Approved". */
  private long approvedUpdates() {
    return slack.calls("chat.update").stream()
        .filter(r -> SlackStandIn.form(r).getOrDefault("blocks", "").contains("*Approved*")).count();
  }

  /** Which broker made a Web API call, by its bot token. */
  private static int from(LoggedRequest request) {
    String auth = request.getHeader("Authorization");
    for (int i = 0; i < 3; i++) {
      if (("Bearer " + botToken(i)).equals(auth)) {
        return i;
      }
    }
    return -1;
  }

  private List<LoggedRequest> awaitRequests(String method, int count) {
    slack.awaitCalls(method, count);
    return slack.calls(method);
  }

  /**
   * Waits until broker {@code broker} followed up every interaction sent to it so far: a stranger's click on
   * its own pending request is refused with an ephemeral message, and follow-ups run in order.
   */
  private void barrier(int broker, ApprovalRequest pending) throws Exception {
    CompletableFuture<Decision> decision = slack.decideAsync(brokers.get(broker), pending);
    awaitAnnounced(pending.id());
    int refusals = slack.calls("chat.postEphemeral").size();
    slack.socket.sendInteractiveOn(broker, slack.clickPayload("leasehold_approve", STRANGER, pending.id()));
    slack.awaitCalls("chat.postEphemeral", refusals + 1);
    slack.socket.sendInteractiveOn(broker, slack.clickPayload("leasehold_deny", APPROVER, pending.id()));
    decision.get(10, TimeUnit.SECONDS);
  }

  private void awaitAnnounced(String requestId) {
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try (Connection c = FleetDatabases.adminAt(url);
          PreparedStatement st = c.prepareStatement("SELECT 1 FROM leasehold.relay_requests WHERE request_id = ?")) {
        st.setString(1, requestId);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  private void awaitRelayTablesEmpty() {
    await().atMost(Duration.ofSeconds(10)).until(() ->
        Secrets.count(url, "relay_requests") == 0 && Secrets.count(url, "relay_decisions") == 0);
  }

  private int sealedCodeLength(String requestId) throws SQLException {
    try (Connection c = FleetDatabases.adminAt(url); PreparedStatement st = c.prepareStatement(
        "SELECT length(sealed_code) FROM leasehold.relay_decisions WHERE request_id = ?")) {
      st.setString(1, requestId);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Every row of every table in the schema, as JSON (bytea as hex), and each bytea also as escaped text. */
  private String dumpSchema() throws SQLException {
    StringBuilder dump = new StringBuilder();
    Map<String, List<String>> rows = Secrets.rows(url);
    assertThat(rows).containsKeys("relay_requests", "relay_decisions");
    rows.values().forEach(table -> table.forEach(row -> dump.append(row).append('\n')));
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT encode(sealed_code, 'escape') FROM leasehold.relay_decisions")) {
      while (rs.next()) {
        dump.append(rs.getString(1)).append('\n');
      }
    }
    return dump.toString();
  }

  private Integer listenerPid(String brokerId) throws SQLException {
    try (Connection c = FleetDatabases.adminAt(url); PreparedStatement st = c.prepareStatement(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?")) {
      st.setString(1, "leasehold-relay " + brokerId);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getInt(1) : null;
      }
    }
  }

  /** Terminates the broker's listening connection, as a failover or a network cut would. */
  private void killListener(String brokerId) throws SQLException {
    await().atMost(Duration.ofSeconds(10)).until(() -> listenerPid(brokerId) != null);
    int pid = listenerPid(brokerId);
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement()) {
      st.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> listenerPid(brokerId) == null);
    // the broker noticed, so its reconnect delay counts from the clock as it is now
    await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().contains(
        "Broker " + brokerId + " lost its connection for relayed-decision notifications"));
  }
}
