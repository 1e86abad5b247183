package dev.leasehold.fleet.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leasehold.FleetUnavailableException;
import dev.leasehold.fleet.postgres.internal.OneTimeKey;
import dev.leasehold.testing.LocalPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostgresFleetTest {

  @Test
  void migratesRegistersAndRemovesItsBrokerRow() throws Exception {
    String url = FleetDatabases.newDatabase();
    try (PostgresFleet fleet = FleetDatabases.fleet(url).brokerId("broker-a").start()) {
      assertThat(fleet.brokerId()).isEqualTo("broker-a");
      assertThat(fleet.toString()).doesNotContain(FleetDatabases.server().superuserPassword());
      try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT broker_id FROM leasehold.brokers")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("broker-a");
      }
    }
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM leasehold.brokers")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void refusesToStartAgainstANewerSchema() throws Exception {
    String url = FleetDatabases.newDatabase();
    FleetDatabases.fleet(url).start().close();
    try (Connection c = FleetDatabases.adminAt(url); Statement st = c.createStatement()) {
      st.execute("INSERT INTO leasehold.schema_history (installed_rank, version, description, type, script, checksum,"
          + " installed_by, execution_time, success) VALUES (100, '" + (PostgresFleet.knownSchemaVersion() + 1)
          + "', 'from the future', 'SQL', 'V99__future.sql', 0, 'test', 1, true)");
    }
    assertThatThrownBy(() -> FleetDatabases.fleet(url).migrate(false).start())
        .isInstanceOf(FleetUnavailableException.class)
        .hasMessageContaining("newer than this broker knows")
        .hasMessageContaining("Upgrade this broker");
    assertThatThrownBy(() -> FleetDatabases.fleet(url).start())
        .isInstanceOf(FleetUnavailableException.class)
        .hasMessageContaining("newer than this broker knows");
  }

  @Test
  void refusesToStartAgainstAnUnmigratedSchemaUnlessAskedToMigrate() {
    String url = FleetDatabases.newDatabase();
    assertThatThrownBy(() -> FleetDatabases.fleet(url).migrate(false).start())
        .isInstanceOf(FleetUnavailableException.class)
        .hasMessageContaining("leasehold fleet migrate");
    assertThat(PostgresFleet.migrate(url, LocalPostgres.SUPERUSER, FleetDatabases.server().superuserPassword()))
        .isEqualTo(PostgresFleet.knownSchemaVersion());
    FleetDatabases.fleet(url).migrate(false).start().close();
  }

  @Test
  void refusesToStartWhenTheDatabaseIsDownWithAMessageThatSaysWhatToCheck() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    assertThatThrownBy(() -> PostgresFleet.builder().jdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/leasehold")
        .user("broker").password("not-the-password-123").connectionTimeout(Duration.ofSeconds(1)).start())
        .isInstanceOf(FleetUnavailableException.class)
        .hasMessageContaining("could not be reached")
        .hasMessageContaining("check that PostgreSQL runs")
        .hasMessageNotContaining("not-the-password-123");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aOneTimeKeyOpensOnlyWhatWasSealedToItForTheSameContext() {
    OneTimeKey key = OneTimeKey.generate();
    byte[] secret = "the-secret-value".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = OneTimeKey.seal(key.publicKey(), "lease:req-1", secret);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("the-secret-value");
    assertThat(key.open(sealed, "lease:req-1")).isEqualTo(secret);
    assertThatThrownBy(() -> key.open(sealed, "lease:req-2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OneTimeKey.generate().open(sealed, "lease:req-1"))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] tampered = sealed.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> key.open(tampered, "lease:req-1")).isInstanceOf(IllegalArgumentException.class);
    assertThat(key.toString()).doesNotContain(java.util.HexFormat.of().formatHex(key.publicKey()));
  }
}
