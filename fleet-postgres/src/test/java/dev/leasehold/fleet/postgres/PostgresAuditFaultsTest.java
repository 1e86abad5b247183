package dev.leasehold.fleet.postgres;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.leasehold.fleet.postgres.AuditRows.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.AuditFailureException;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.FleetUnavailableException;
import dev.leasehold.GuardRails;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditVerification;
import dev.leasehold.support.Leasehold;
import dev.leasehold.support.StsStub;
import dev.leasehold.testing.FakeApprover;
import dev.leasehold.testing.LocalPostgres;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The audit faults of the fleet, each against a real PostgreSQL: the database going down while brokers run,
 * two brokers racing on the chain head, and an exhausted connection pool.
 */
class PostgresAuditFaultsTest {
  static final AuditKey KEY = AuditKey.of("fleet-audit-key-for-fault-tests-0123".getBytes());
  static final String REASON = "publish release 1.4.2 artifacts to the deploy bucket";

  @RegisterExtension
  static WireMockExtension sts = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension s3 = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @Test
  void databaseDownWhileRunningFailsEveryCallClosedWithinItsDeadlineAndTheChainVerifiesAfterRestart()
      throws Exception {
    new StsStub(sts).succeeds(900);
    s3.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
    Duration recordTimeout = Duration.ofSeconds(4);
    try (LocalPostgres pg = LocalPostgres.start()) { // a server of its own: this test stops it
      String url = pg.jdbcUrl("postgres");
      FakeApprover approver = FakeApprover.approving("123456");
      try (PostgresFleet fleet = PostgresFleet.builder().jdbcUrl(url).user(LocalPostgres.SUPERUSER)
              .password(pg.superuserPassword()).migrate(true).connectionTimeout(Duration.ofSeconds(1))
              .statementTimeout(Duration.ofSeconds(2)).start();
          PostgresAuditSink sink = PostgresAuditSink.builder(fleet).key(KEY).recordTimeout(recordTimeout).build();
          AwsSessionFactory leasehold = Leasehold.factory(new StsStub(sts).endpoint(), approver, sink)
              .guardRails(new GuardRails(100, Duration.ofMinutes(10), Duration.ofMinutes(10))).build()) {
        AgentSession session = leasehold.open(AccessRequest.of("s3-deploy", REASON, "s3:GetObject"));
        S3Client client = session.client(S3Client.builder()
            .endpointOverride(URI.create("http://localhost:" + s3.getPort())).forcePathStyle(true));
        for (int i = 0; i < 3; i++) {
          client.getObject(b -> b.bucket("hermes-dev-deploy").key("a"));
        }
        assertThat(s3Requests()).isEqualTo(3);

        pg.stop();

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.getObject(b -> b.bucket("hermes-dev-deploy").key("a")))
            .isInstanceOf(AuditFailureException.class)
            .hasCauseInstanceOf(FleetUnavailableException.class)
            .hasMessageContaining("fails closed")
            .hasMessageNotContaining(pg.superuserPassword());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(recordTimeout.plusSeconds(1));
        assertThat(s3Requests()).as("the call did not go on the wire").isEqualTo(3);

        assertThatThrownBy(() -> leasehold.open(AccessRequest.of("s3-deploy", "upload the release notes of 1.4.2",
            "s3:PutObject"))).isInstanceOf(AuditFailureException.class);
        assertThat(approver.requestCount()).as("no human asked without a 'requested' record").isEqualTo(1);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
          List<Future<Throwable>> callers = new ArrayList<>();
          long concurrentStart = System.nanoTime();
          for (int t = 0; t < 8; t++) {
            int n = t;
            callers.add(pool.submit(() -> {
              try {
                sink.record(call(100 + n));
                return null;
              } catch (RuntimeException e) {
                return e;
              }
            }));
          }
          for (Future<Throwable> caller : callers) {
            assertThat(caller.get(30, TimeUnit.SECONDS)).isInstanceOf(FleetUnavailableException.class)
                .hasMessageNotContaining(pg.superuserPassword());
          }
          assertThat(Duration.ofNanos(System.nanoTime() - concurrentStart)).isLessThan(recordTimeout.plusSeconds(2));
        } finally {
          pool.shutdownNow();
        }

        pg.restart();

        int afterRestart = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (afterRestart < 3) {
          try {
            client.getObject(b -> b.bucket("hermes-dev-deploy").key("a"));
            afterRestart++;
          } catch (AuditFailureException e) { // stale pooled connections are replaced on the first attempts
            assertThat(System.nanoTime()).as("recovered within 30 s").isLessThan(deadline);
          }
        }
        session.close();
        assertThat(s3Requests()).isEqualTo(6);
      }
      try (Connection c = DriverManager.getConnection(url, LocalPostgres.SUPERUSER, pg.superuserPassword())) {
        AuditVerification v = PostgresAuditVerifier.verify(c, KEY, null);
        assertThat(v.intact()).as(v.problem()).isTrue();
        assertThat(types(c)).containsExactly("requested", "approved", "assumed", "call-allowed", "call-allowed",
            "call-allowed", "call-allowed", "call-allowed", "call-allowed", "closed");
      }
    }
  }

  @Test
  void twoBrokersRacingOnTheChainHeadGiveOneOrderWithoutDuplicateOrMissingSequenceNumbers() throws Exception {
    String url = FleetDatabases.newDatabase();
    int threadsPerBroker = 8;
    int each = 250;
    try (PostgresFleet a = FleetDatabases.fleet(url).brokerId("broker-a").start();
        PostgresFleet b = FleetDatabases.fleet(url).brokerId("broker-b").start();
        PostgresAuditSink sinkA = PostgresAuditSink.builder(a).key(KEY).build();
        PostgresAuditSink sinkB = PostgresAuditSink.builder(b).key(KEY).build()) {
      PostgresAuditSinkTest.runConcurrently(2 * threadsPerBroker, t -> {
        PostgresAuditSink sink = t % 2 == 0 ? sinkA : sinkB;
        for (int i = 0; i < each; i++) {
          sink.record(call(t * 1000 + i));
        }
      });
    }
    long total = 2L * threadsPerBroker * each;
    assertThat(AuditRows.number(url, "SELECT count(*) FROM leasehold.audit_records")).isEqualTo(total);
    assertThat(AuditRows.number(url, "SELECT count(DISTINCT seq) FROM leasehold.audit_records")).isEqualTo(total);
    assertThat(AuditRows.number(url, "SELECT min(seq) FROM leasehold.audit_records")).isEqualTo(1);
    assertThat(AuditRows.number(url, "SELECT max(seq) FROM leasehold.audit_records")).isEqualTo(total);
    assertThat(AuditRows.number(url, "SELECT count(*) FROM leasehold.audit_records WHERE broker_id = 'broker-a'"))
        .isEqualTo(total / 2);
    assertThat(AuditRows.number(url, "SELECT count(*) FROM (SELECT broker_id, lag(broker_id) OVER (ORDER BY seq) "
        + "AS before FROM leasehold.audit_records) x WHERE broker_id <> before"))
        .as("the brokers' batches interleave: they really raced").isGreaterThan(2);
    try (Connection c = FleetDatabases.adminAt(url)) {
      AuditVerification v = PostgresAuditVerifier.verify(c, KEY, null);
      assertThat(v.intact()).as(v.problem()).isTrue();
      assertThat(v.records()).isEqualTo(total);
    }
  }

  @Test
  void anExhaustedPoolMeansABoundedWaitThenATypedErrorAndNothingWritten() throws Exception {
    String url = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(url).maxPoolSize(2).connectionTimeout(Duration.ofMillis(500))
            .start();
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).recordTimeout(Duration.ofSeconds(5)).build()) {
      Connection first = fleet.dataSource().getConnection();
      Connection second = fleet.dataSource().getConnection();
      long start = System.nanoTime();
      try {
        assertThatThrownBy(() -> sink.record(call(1)))
            .isInstanceOf(FleetUnavailableException.class)
            .hasMessageContaining("was not written")
            .hasMessageContaining("pool of this broker is exhausted")
            .hasMessageContaining("maxPoolSize")
            .hasMessageNotContaining(FleetDatabases.server().superuserPassword());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
      } finally {
        first.close();
        second.close();
      }
      sink.record(call(2));
    }
    assertThat(AuditRows.records(url)).hasSize(1).allMatch(r -> r.contains("\"req-2\""));
  }

  private static int s3Requests() {
    return s3.findAll(anyRequestedFor(anyUrl())).size();
  }

  private static List<String> types(Connection c) throws Exception {
    List<String> types = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT record::json->>'type' FROM leasehold.audit_records ORDER BY seq")) {
      while (rs.next()) {
        types.add(rs.getString(1));
      }
    }
    return types;
  }
}
