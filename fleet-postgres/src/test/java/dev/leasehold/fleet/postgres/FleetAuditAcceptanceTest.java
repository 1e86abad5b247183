package dev.leasehold.fleet.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.CallBudget;
import dev.leasehold.CallOutsideScopeException;
import dev.leasehold.GuardRails;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditVerification;
import dev.leasehold.support.Leasehold;
import dev.leasehold.testing.AwsStandIn;
import dev.leasehold.testing.FakeApprover;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Acceptance for the fleet's durable audit: three brokers (three PostgresFleet, each with its own
 * AwsSessionFactory and PostgresAuditSink, in one JVM) x 8 threads x 2,000 guarded S3 calls over real HTTP
 * to a stand-in give one audit chain that verifies with the fleet's key, with exactly the expected record
 * count of every event type, and exactly the allowed calls on the wire. The loop took 52 s on a 2-core machine
 * at a load average of 15 (other builds running); it is bounded at 5 minutes.
 */
class FleetAuditAcceptanceTest {
  static final int BROKERS = 3;
  static final int THREADS = 8;
  static final int CALLS = 2_000;
  /** Every 20th call is outside the intent (DeleteObject): refused before the wire, audited as call-refused. */
  static final int REFUSED_EVERY = 20;
  static final String BODY = "release 1.4.2 ok";
  static final AuditKey KEY = AuditKey.of("fleet-audit-key-for-acceptance-01234".getBytes());


  @Test
  void threeBrokersTimesEightThreadsTimesTwoThousandGuardedCallsGiveOneChainThatVerifies() throws Exception {
    String url = FleetDatabases.newDatabase();
    List<PostgresFleet> fleets = new ArrayList<>();
    List<PostgresAuditSink> sinks = new ArrayList<>();
    List<AwsSessionFactory> brokers = new ArrayList<>();
    List<FakeApprover> approvers = new ArrayList<>();
    // STS and S3 on the JDK's HTTP server (WireMock's per-request journal and matching cost more than the guarded
    // call under test): every GetObject answers BODY.
    AwsStandIn aws = AwsStandIn.builder().anyObject(BODY.getBytes(StandardCharsets.UTF_8)).threads(16).start();
    long started = System.nanoTime();
    try {
      for (int b = 0; b < BROKERS; b++) {
        PostgresFleet fleet = FleetDatabases.fleet(url).brokerId("broker-" + b).start();
        fleets.add(fleet);
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).key(KEY).build();
        sinks.add(sink);
        FakeApprover approver = FakeApprover.approving("123456");
        approvers.add(approver);
        brokers.add(Leasehold.factory(aws.endpoint(), approver, sink)
            .guardRails(new GuardRails(1_000, Duration.ofMinutes(10), Duration.ofMinutes(10)))
            .callBudget(new CallBudget(Long.MAX_VALUE, Long.MAX_VALUE, 1_000_000))
            .build());
      }
      URI s3Endpoint = aws.endpoint();

      PostgresAuditSinkTest.runConcurrently(BROKERS * THREADS, Duration.ofMinutes(5), t -> {
        int broker = t % BROKERS;
        AccessRequest request = AccessRequest.of("s3-deploy", "verify the release 1.4.2 artifacts, broker " + broker
            + " worker " + t, "s3:GetObject");
        try (AgentSession session = brokers.get(broker).open(request)) {
          S3Client client = session.client(S3Client.builder().endpointOverride(s3Endpoint).forcePathStyle(true));
          for (int i = 1; i <= CALLS; i++) {
            String key = "releases/" + t + "/" + i + ".txt";
            if (i % REFUSED_EVERY == 0) {
              assertThatThrownBy(() -> client.deleteObject(r -> r.bucket("hermes-dev-deploy").key(key)))
                  .isInstanceOf(CallOutsideScopeException.class);
            } else {
              assertThat(client.getObjectAsBytes(r -> r.bucket("hermes-dev-deploy").key(key)).asUtf8String())
                  .isEqualTo(BODY);
            }
          }
        }
      });
    } finally {
      brokers.forEach(AwsSessionFactory::close);
      sinks.forEach(PostgresAuditSink::close);
      fleets.forEach(PostgresFleet::close);
      aws.close();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    int sessions = BROKERS * THREADS;
    int refused = sessions * (CALLS / REFUSED_EVERY);
    int allowed = sessions * CALLS - refused;
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("requested", (long) sessions);
    expected.put("approved", (long) sessions);
    expected.put("assumed", (long) sessions);
    expected.put("call-allowed", (long) allowed);
    expected.put("call-refused", (long) refused);
    expected.put("closed", (long) sessions);
    long total = expected.values().stream().mapToLong(Long::longValue).sum();
    long transactions;

    try (Connection c = FleetDatabases.adminAt(url)) {
      AuditVerification v = PostgresAuditVerifier.verify(c, KEY, null);
      assertThat(v.intact()).as(v.problem()).isTrue();
      assertThat(v.macsChecked()).isTrue();
      assertThat(v.records()).isEqualTo(total);
      assertThat(v.last().seq()).isEqualTo(total);
      assertThat(countsByType(c)).isEqualTo(expected);
      for (int b = 0; b < BROKERS; b++) {
        assertThat(AuditRows.number(url, "SELECT count(*) FROM leasehold.audit_records WHERE broker_id = 'broker-"
            + b + "'")).isEqualTo(total / BROKERS);
      }
      transactions = AuditRows.number(url, "SELECT count(DISTINCT xmin::text) FROM leasehold.audit_records");
      assertThat(transactions).as("group commit: transactions for %d records", total).isLessThan(total);
    }
    assertThat(approvers).allSatisfy(a -> assertThat(a.requestCount()).isEqualTo(THREADS));
    List<String> onTheWire = aws.s3Requests();
    assertThat(onTheWire.stream().filter(r -> r.startsWith("GET /hermes-dev-deploy/")).count()).isEqualTo(allowed);
    assertThat(onTheWire).as("no refused call reached the wire").hasSize(allowed);
    assertThat(aws.assumeRoles()).hasSize(sessions);
    System.out.printf("FleetAuditAcceptanceTest: %d records from %d brokers in %d transactions, %d ms%n", total,
        BROKERS, transactions, took.toMillis());
  }

  private static Map<String, Long> countsByType(Connection c) throws Exception {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT record::json->>'type' AS type, count(*) FROM leasehold.audit_records "
            + "GROUP BY 1 ORDER BY min(seq)")) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counts;
  }
}
