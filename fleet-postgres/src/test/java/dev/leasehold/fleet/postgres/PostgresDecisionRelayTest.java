package dev.leasehold.fleet.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.Decision;
import dev.leasehold.approval.DecisionRelay;
import dev.leasehold.approval.DecisionRelay.Delivery;
import dev.leasehold.approval.DecisionRelay.RelayedRequest;
import dev.leasehold.approval.MfaCode;
import dev.leasehold.fleet.postgres.internal.OneTimeKey;
import dev.leasehold.fleet.postgres.internal.PostgresDecisionRelay;
import dev.leasehold.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL decision relay's rules, between two brokers on one real database (no Slack). */
class PostgresDecisionRelayTest {

  private static final Instant START = Instant.parse("2030-01-02T03:04:05Z");
  private static final MfaCode CODE = MfaCode.of("402917");

  private final MutableClock clock = new MutableClock(START);
  private String url;
  private PostgresFleet asker;
  private PostgresFleet receiver;

  @BeforeEach
  void twoBrokers() {
    url = FleetDatabases.newDatabase();
    asker = FleetDatabases.fleet(url).brokerId("asker").clock(clock).start();
    receiver = FleetDatabases.fleet(url).brokerId("receiver").clock(clock).start();
  }

  @AfterEach
  void stop() {
    asker.close();
    receiver.close();
  }

  private RelayedRequest request() {
    return new RelayedRequest("req-" + UUID.randomUUID(), "s3-deploy", "dev", "hermes", "ABCD-1234", true, false,
        "C0LEASEHOLD", "1700000000.000100", START.plus(Duration.ofMinutes(2)));
  }

  @Test
  void theReceivingBrokerFindsTheFactsAndTheAskerGetsTheCodeItWasSealedFor() throws Exception {
    RelayedRequest request = request();
    List<Decision> taken = new CopyOnWriteArrayList<>();
    asker.decisionRelay().announce(request, d -> taken.add(d));

    assertThat(receiver.decisionRelay().find(request.requestId())).contains(request);
    assertThat(receiver.decisionRelay().deliver(request,
        Decision.Approved.withCode(request.requestId(), "U0APPROVER", CODE))).isEqualTo(Delivery.DELIVERED);

    await().atMost(Duration.ofSeconds(10)).until(() -> !taken.isEmpty());
    assertThat(taken).containsExactly(Decision.Approved.withCode(request.requestId(), "U0APPROVER", CODE));
    await().atMost(Duration.ofSeconds(10)).until(() -> rows("relay_requests") == 0);
    assertThat(rows("relay_decisions")).isZero();
    assertThat(receiver.decisionRelay().find(request.requestId())).isEmpty();
    assertThat(receiver.decisionRelay().deliver(request, new Decision.Denied(request.requestId(), "U0APPROVER", "")))
        .isEqualTo(Delivery.NOT_PENDING);
  }

  @Test
  void theFirstDecisionWinsAndTheReceiverIsCalledOnce() throws Exception {
    RelayedRequest request = request();
    CountDownLatch inReceiver = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Decision> taken = new CopyOnWriteArrayList<>();
    asker.decisionRelay().announce(request, d -> {
      taken.add(d);
      inReceiver.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return true;
    });

    assertThat(receiver.decisionRelay().deliver(request, new Decision.Denied(request.requestId(), "U0APPROVER", "")))
        .isEqualTo(Delivery.DELIVERED);
    assertThat(inReceiver.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(receiver.decisionRelay().deliver(request,
        Decision.Approved.withCode(request.requestId(), "U0OTHER", CODE))).isEqualTo(Delivery.ALREADY_DECIDED);
    release.countDown();

    await().atMost(Duration.ofSeconds(10)).until(() -> rows("relay_requests") == 0);
    assertThat(taken).containsExactly(new Decision.Denied(request.requestId(), "U0APPROVER", ""));
  }

  @Test
  void aRefusedDecisionIsDiscardedAndTheRequestStaysOpenForAnother() throws Exception {
    RelayedRequest request = request();
    List<Decision> offered = new CopyOnWriteArrayList<>();
    asker.decisionRelay().announce(request, d -> {
      offered.add(d);
      return d instanceof Decision.Approved;
    });

    receiver.decisionRelay().deliver(request, new Decision.Denied(request.requestId(), "U0ROGUE", ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> offered.size() == 1 && rows("relay_decisions") == 0);
    assertThat(rows("relay_requests")).isOne();

    assertThat(receiver.decisionRelay().deliver(request,
        Decision.Approved.withCode(request.requestId(), "U0APPROVER", CODE))).isEqualTo(Delivery.DELIVERED);
    await().atMost(Duration.ofSeconds(10)).until(() -> offered.size() == 2);
    assertThat(offered.get(1)).isInstanceOf(Decision.Approved.class);
  }

  @Test
  void aCodeSealedForAnotherRequestDoesNotOpenAndIsDiscarded() throws Exception {
    RelayedRequest request = request();
    List<Decision> offered = new CopyOnWriteArrayList<>();
    asker.decisionRelay().announce(request, d -> offered.add(d));
    byte[] publicKey;
    try (Connection c = FleetDatabases.adminAt(url); PreparedStatement st = c.prepareStatement(
        "SELECT public_key FROM leasehold.relay_requests WHERE request_id = ?")) {
      st.setString(1, request.requestId());
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        publicKey = rs.getBytes(1);
      }
    }
    // a database writer seals a code of its choice, but binds it to another request (or alters it)
    byte[] forged = OneTimeKey.seal(publicKey, "mfa:req-other", "123456".getBytes(StandardCharsets.US_ASCII));
    try (Connection c = FleetDatabases.adminAt(url); PreparedStatement st = c.prepareStatement(
        "INSERT INTO leasehold.relay_decisions VALUES (?, 'approved', 'U0APPROVER', ?, 'intruder', now()); "
            + "SELECT pg_notify('" + PostgresDecisionRelay.CHANNEL + "', ?)")) {
      st.setString(1, request.requestId());
      st.setBytes(2, forged);
      st.setString(3, request.requestId());
      st.execute();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> rows("relay_decisions") == 0);
    assertThat(offered).isEmpty();
    assertThat(rows("relay_requests")).isOne();
  }

  @Test
  void theReceivingSideRefusesDecisionsThatDoNotFitTheRequest() {
    RelayedRequest request = request();
    DecisionRelay relay = receiver.decisionRelay();
    assertThatThrownBy(() -> relay.deliver(request, new Decision.Denied("req-other", "U0APPROVER", "")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("req-other");
    assertThatThrownBy(() -> relay.deliver(request, new Decision.Expired(request.requestId())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> relay.deliver(request, Decision.Approved.withoutCode(request.requestId(), "U0APPROVER")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without an MFA code");
    assertThat(relay.find("x".repeat(500))).isEmpty();
  }

  @Test
  void nothingIsRelayedAfterTheDeadlineAndStaleRowsOfADeadBrokerExpire() throws Exception {
    RelayedRequest request = request();
    asker.decisionRelay().announce(request, d -> true);
    asker.close(); // dies mid-approval: its announcement stays behind
    assertThat(rows("relay_requests")).isOne();

    clock.advance(Duration.ofMinutes(2));
    assertThat(receiver.decisionRelay().find(request.requestId())).isEmpty();
    assertThat(receiver.decisionRelay().deliver(request,
        new Decision.Denied(request.requestId(), "U0APPROVER", ""))).isEqualTo(Delivery.NOT_PENDING);

    clock.advance(PostgresDecisionRelay.STALE_GRACE.plusSeconds(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> rows("relay_requests") == 0);
  }

  @Test
  void withdrawingDeletesTheAnnouncement() throws Exception {
    RelayedRequest request = request();
    DecisionRelay.Announcement announcement = asker.decisionRelay().announce(request, d -> true);
    assertThat(rows("relay_requests")).isOne();
    announcement.close();
    announcement.close();
    assertThat(rows("relay_requests")).isZero();
    assertThat(receiver.decisionRelay().find(request.requestId())).isEmpty();
  }

  @Test
  void aDatabaseThatRefusesTheWriteIsATypedUnavailableError() throws Exception {
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE leasehold.relay_requests RENAME TO relay_requests_gone");
    }
    RelayedRequest request = request();
    assertThatThrownBy(() -> asker.decisionRelay().announce(request, d -> true))
        .isInstanceOfSatisfying(ApprovalChannelException.class,
            e -> assertThat(e.kind()).isEqualTo(ApprovalChannelException.Kind.UNAVAILABLE))
        .hasMessageContaining("could not announce request " + request.requestId())
        .hasMessageContaining("Nothing was decided");
    assertThatThrownBy(() -> receiver.decisionRelay().find(request.requestId()))
        .isInstanceOf(ApprovalChannelException.class);
  }

  @Test
  void aBrokerRoleWithTheDocumentedGrantsRelaysAndCannotUpdateTheRelayTables() throws Exception {
    String role = "relay_broker_" + ProcessHandle.current().pid();
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'relay-broker-password-1'");
      // what the skeleton needs to start (schema check, heart-beat), then the block of docs/fleet.md
      st.execute("GRANT USAGE ON SCHEMA leasehold TO " + role);
      st.execute("GRANT SELECT ON leasehold.schema_history TO " + role);
      st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON leasehold.brokers TO " + role);
      st.execute("GRANT SELECT, INSERT, DELETE ON leasehold.relay_requests, leasehold.relay_decisions TO " + role);
    }
    try (PostgresFleet a = PostgresFleet.builder().jdbcUrl(url).user(role).password("relay-broker-password-1")
            .brokerId("restricted-a").clock(clock).start();
        PostgresFleet b = PostgresFleet.builder().jdbcUrl(url).user(role).password("relay-broker-password-1")
            .brokerId("restricted-b").clock(clock).start()) {
      RelayedRequest request = request();
      List<Decision> taken = new CopyOnWriteArrayList<>();
      a.decisionRelay().announce(request, d -> {
        taken.add(d);
        return false; // refused: the asker deletes the decision row alone
      });
      b.decisionRelay().deliver(request, new Decision.Denied(request.requestId(), "U0APPROVER", ""));
      await().atMost(Duration.ofSeconds(10)).until(() -> taken.size() == 1 && rows("relay_decisions") == 0);
      assertThat(b.decisionRelay().deliver(request, Decision.Approved.withCode(request.requestId(), "U0APPROVER",
          CODE))).isEqualTo(Delivery.DELIVERED);
      await().atMost(Duration.ofSeconds(10)).until(() -> taken.size() == 2);

      try (Connection c = a.dataSource().getConnection(); Statement st = c.createStatement()) {
        assertThatThrownBy(() -> st.executeUpdate("UPDATE leasehold.relay_decisions SET approver = 'U0FORGED'"))
            .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> st.executeUpdate("UPDATE leasehold.relay_requests SET deadline = now()"))
            .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
      }
    }
  }

  private int rows(String table) throws SQLException {
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM leasehold." + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
