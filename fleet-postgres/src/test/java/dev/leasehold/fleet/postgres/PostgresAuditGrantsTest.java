package dev.leasehold.fleet.postgres;

import static dev.leasehold.fleet.postgres.AuditRows.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditVerification;
import dev.leasehold.testing.LocalPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The broker's database role needs only INSERT and SELECT on the audit table: the sink runs as a role holding
 * exactly the grants of docs/fleet.md ("Grants", block "Durable audit", read from the file), and PostgreSQL
 * itself refuses that role UPDATE, DELETE and TRUNCATE, so a broker (or an agent that stole its password)
 * cannot rewrite the trail. An auditor role with SELECT alone verifies it.
 */
class PostgresAuditGrantsTest {
  static final AuditKey KEY = AuditKey.of("fleet-audit-key-for-grant-tests-0123".getBytes());
  static final AtomicInteger ROLES = new AtomicInteger();
  /** What any broker needs to start (schema check, its row in leasehold.brokers); not part of the audit block. */
  static final List<String> FLEET_BASE = List.of(
      "GRANT USAGE ON SCHEMA leasehold TO leasehold_broker",
      "GRANT SELECT ON leasehold.schema_history TO leasehold_broker",
      "GRANT SELECT, INSERT, UPDATE, DELETE ON leasehold.brokers TO leasehold_broker");

  @Test
  void theBrokerRoleOfTheDocumentedGrantsAppendsAndVerifiesButPostgresRefusesItUpdateDeleteAndTruncate()
      throws Exception {
    String url = FleetDatabases.newDatabase();
    PostgresFleet.migrate(url, LocalPostgres.SUPERUSER, FleetDatabases.server().superuserPassword());
    String suffix = "_" + ProcessHandle.current().pid() + "_" + ROLES.incrementAndGet();
    String broker = "leasehold_broker" + suffix;
    String auditor = "leasehold_auditor" + suffix;
    String brokerPassword = password();
    String auditorPassword = password();
    List<String> audit = documentedAuditGrants();
    assertThat(audit).contains("GRANT SELECT, INSERT ON leasehold.audit_records TO leasehold_broker");
    try (Connection admin = FleetDatabases.adminAt(url); Statement st = admin.createStatement()) {
      st.execute("CREATE ROLE " + broker + " LOGIN PASSWORD '" + brokerPassword + "'");
      st.execute("CREATE ROLE " + auditor + " LOGIN PASSWORD '" + auditorPassword + "'");
      for (String grant : FLEET_BASE) {
        st.execute(grant.replace("leasehold_broker", broker));
      }
      for (String grant : audit) {
        st.execute(grant.replace("leasehold_broker", broker).replace("leasehold_auditor", auditor));
      }
    }

    try (PostgresFleet fleet = PostgresFleet.builder().jdbcUrl(url).user(broker).password(brokerPassword).start();
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).key(KEY).build()) {
      PostgresAuditSinkTest.runConcurrently(4, t -> {
        for (int i = 0; i < 10; i++) {
          sink.record(call(t * 100 + i));
        }
      });
    }

    try (Connection c = DriverManager.getConnection(url, broker, brokerPassword)) {
      assertRefused(c, "UPDATE leasehold.audit_records SET record = replace(record, 'hermes', 'nobody')");
      assertRefused(c, "DELETE FROM leasehold.audit_records WHERE seq = 40");
      assertRefused(c, "TRUNCATE leasehold.audit_records");
      assertRefused(c, "ALTER TABLE leasehold.audit_records DISABLE TRIGGER ALL");
    }
    try (Connection c = DriverManager.getConnection(url, auditor, auditorPassword)) {
      AuditVerification v = PostgresAuditVerifier.verify(c, KEY, null);
      assertThat(v.intact()).as(v.problem()).isTrue();
      assertThat(v.records()).isEqualTo(40);
      assertRefused(c, "INSERT INTO leasehold.audit_records (seq, record, broker_id) VALUES (41, 'x', 'y')");
    }
    assertThat(AuditRows.number(url, "SELECT count(*) FROM leasehold.audit_records")).isEqualTo(40);
  }

  private static void assertRefused(Connection c, String sql) {
    assertThatThrownBy(() -> {
      try (Statement st = c.createStatement()) {
        st.execute(sql);
      }
    }).as(sql).isInstanceOfSatisfying(SQLException.class,
        e -> assertThat(e.getSQLState()).as("insufficient_privilege or owner only").isIn("42501"));
  }

  /** The GRANT statements of the audit block in docs/fleet.md. */
  static List<String> documentedAuditGrants() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "fleet.md"), StandardCharsets.UTF_8);
    int marker = doc.indexOf("<!-- grants: audit");
    assertThat(marker).as("the audit grants block in docs/fleet.md").isPositive();
    int open = doc.indexOf("```sql", marker);
    int close = doc.indexOf("```", open + 6);
    return doc.substring(open + 6, close).lines().map(String::strip).filter(l -> l.startsWith("GRANT"))
        .map(l -> l.endsWith(";") ? l.substring(0, l.length() - 1) : l).toList();
  }

  private static String password() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
