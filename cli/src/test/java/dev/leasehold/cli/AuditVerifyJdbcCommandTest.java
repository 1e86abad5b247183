package dev.leasehold.cli;

import static dev.leasehold.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.cli.CliRun.Result;
import dev.leasehold.fleet.postgres.PostgresAuditSink;
import dev.leasehold.fleet.postgres.PostgresFleet;
import dev.leasehold.testing.LocalPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * leasehold audit verify --fleet-jdbc URL against a real PostgreSQL holding a chain written by
 * PostgresAuditSink: the same checks and exit codes as for a file, the bad record named by its seq, and the
 * password only ever read from a file.
 */
class AuditVerifyJdbcCommandTest {
  static final AtomicInteger DATABASES = new AtomicInteger();
  static LocalPostgres pg;

  @TempDir Path dir;
  String url;
  Path keyFile;
  Path passwordFile;
  AuditKey key;

  @BeforeAll
  static void startPostgres() {
    pg = LocalPostgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    pg.close();
  }

  @BeforeEach
  void writeAChainOfSixRecords() throws Exception {
    String name = "audit_" + DATABASES.incrementAndGet();
    exec(pg.jdbcUrl("postgres"), "CREATE DATABASE " + name);
    url = pg.jdbcUrl(name);
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    key = AuditKey.of(raw);
    keyFile = secretFile("audit.key", Base64.getEncoder().encodeToString(raw));
    passwordFile = secretFile("db.password", pg.superuserPassword() + "\n");
    try (PostgresFleet fleet = PostgresFleet.builder().jdbcUrl(url).user(LocalPostgres.SUPERUSER)
            .password(pg.superuserPassword()).migrate(true).start();
        PostgresAuditSink sink = PostgresAuditSink.builder(fleet).key(key).build()) {
      for (AuditEventType type : new AuditEventType[] {AuditEventType.REQUESTED, AuditEventType.APPROVED,
          AuditEventType.ASSUMED, AuditEventType.CALL_ALLOWED, AuditEventType.CALL_ALLOWED, AuditEventType.CLOSED}) {
        sink.record(AuditEvent.builder(type, Instant.parse("2026-12-01T10:00:00Z")).requestId("req-1").agent("hermes")
            .roleKey("s3-deploy").build());
      }
    }
  }

  private Result verify(String... more) {
    String[] args = new String[6 + more.length];
    args[0] = "audit";
    args[1] = "verify";
    args[2] = "--fleet-jdbc";
    args[3] = url;
    args[4] = "--fleet-user";
    args[5] = LocalPostgres.SUPERUSER;
    System.arraycopy(more, 0, args, 6, more.length);
    return cli().run(args);
  }

  @Test
  void anIntactChainVerifiesWithItsKeyAndPrintsItsLastCheckpoint() {
    Result r = verify("--fleet-password-file", passwordFile.toString(), "--key-file", keyFile.toString());

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains(url + ": audit trail intact (6 records)",
        "MACs: every record's checked with key id " + key.id(), "last checkpoint: 6:");
    assertThat(r.all()).doesNotContain(pg.superuserPassword());
  }

  @Test
  void theShortOptionNamesWorkToo() {
    Result r = cli().run("audit", "verify", "--jdbc", url, "--db-user", LocalPostgres.SUPERUSER,
        "--db-password-file", passwordFile.toString());

    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("audit trail intact (6 records)", "MACs: not checked");
  }

  @Test
  void aTamperedRowFailsNamingItsSeq() throws Exception {
    exec(url, "UPDATE leasehold.audit_records SET record = replace(record, 's3-deploy', 's3-admin') WHERE seq = 3");

    Result r = verify("--fleet-password-file", passwordFile.toString(), "--key-file", keyFile.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains(url + ": record seq 3: hash mismatch", "TAMPERED: first bad record seq 3");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aRowRewrittenWithRecomputedHashesIsCaughtByTheMac() throws Exception {
    // An administrator without the key rewrites the last record and recomputes its hash: only the MAC shows it.
    String record;
    try (Connection c = DriverManager.getConnection(url, LocalPostgres.SUPERUSER, pg.superuserPassword());
        Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT record FROM leasehold.audit_records WHERE seq = 6")) {
      rs.next();
      record = rs.getString(1);
    }
    String signed = record.substring(0, record.indexOf(",\"hash\":")).replace("hermes", "hades") + "}";
    String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(signed.getBytes(StandardCharsets.UTF_8)));
    String forged = signed.substring(0, signed.length() - 1) + ",\"hash\":\"" + hash + "\""
        + record.substring(record.indexOf(",\"mac\":"));
    try (Connection c = DriverManager.getConnection(url, LocalPostgres.SUPERUSER, pg.superuserPassword());
        var st = c.prepareStatement("UPDATE leasehold.audit_records SET record = ? WHERE seq = 6")) {
      st.setString(1, forged);
      st.executeUpdate();
    }

    assertThat(verify("--fleet-password-file", passwordFile.toString()).exit()).as("hashes alone").isZero();
    Result r = verify("--fleet-password-file", passwordFile.toString(), "--key-file", keyFile.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("record seq 6: MAC mismatch");
  }

  @Test
  void aWrongKeyIsToldApartFromTampering() throws Exception {
    byte[] other = new byte[32];
    new SecureRandom().nextBytes(other);
    Path wrongKey = secretFile("wrong.key", Base64.getEncoder().encodeToString(other));

    Result r = verify("--fleet-password-file", passwordFile.toString(), "--key-file", wrongKey.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("record seq 1: sealed with another key", "wrong key file");
  }

  @Test
  void rowsCutOffTheEndAreFoundAgainstACheckpoint() throws Exception {
    Result first = verify("--fleet-password-file", passwordFile.toString(), "--key-file", keyFile.toString());
    String checkpoint = first.out().replaceAll("(?s).*last checkpoint: (\\d+:[0-9a-f]{64}).*", "$1");
    exec(url, "DELETE FROM leasehold.audit_records WHERE seq > 4");

    Result r = verify("--fleet-password-file", passwordFile.toString(), "--key-file", keyFile.toString(),
        "--checkpoint", checkpoint);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("truncated", "records 5 to 6 were cut off the end");
  }

  @Test
  void usageErrorsNameTheOption() throws IOException {
    Path trail = Files.writeString(dir.resolve("audit.jsonl"), "");
    assertThat(cli().run("audit", "verify").err()).contains("give FILE, or --fleet-jdbc URL");
    assertThat(cli().run("audit", "verify").exit()).isEqualTo(2);
    Result both = cli().run("audit", "verify", trail.toString(), "--fleet-jdbc", url, "--fleet-user", "x");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
    Result noUser = cli().run("audit", "verify", "--fleet-jdbc", url);
    assertThat(noUser.exit()).isEqualTo(2);
    assertThat(noUser.err()).contains("--fleet-user is required");
    Result notPostgres = cli().run("audit", "verify", "--fleet-jdbc", "jdbc:mysql://db/x", "--fleet-user", "x");
    assertThat(notPostgres.exit()).isEqualTo(2);
    assertThat(notPostgres.err()).contains("PostgreSQL JDBC URL");
    Result passwordInUrl = cli().run("audit", "verify", "--fleet-jdbc", url + "?password=hunter2-secret",
        "--fleet-user", "x");
    assertThat(passwordInUrl.exit()).isEqualTo(2);
    assertThat(passwordInUrl.err()).contains("must not hold a password").doesNotContain("hunter2-secret");
  }

  @Test
  void aWrongPasswordOrADownDatabaseFailsWithoutShowingThePassword() throws Exception {
    Path wrong = secretFile("wrong.password", "not-the-password-4711\n");
    Result r = verify("--fleet-password-file", wrong.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("Cannot connect to the fleet database", "as role '" + LocalPostgres.SUPERUSER + "'")
        .doesNotContain("not-the-password-4711");

    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Result down = cli().run("audit", "verify", "--fleet-jdbc", "jdbc:postgresql://127.0.0.1:" + port + "/x",
        "--fleet-user", "x", "--fleet-password-file", passwordFile.toString());
    assertThat(down.exit()).isEqualTo(1);
    assertThat(down.err()).contains("Cannot connect").doesNotContain(pg.superuserPassword());
  }

  @Test
  void aDatabaseWithoutTheFleetSchemaIsReportedAsUnreadable() throws Exception {
    String name = "empty_" + DATABASES.incrementAndGet();
    exec(pg.jdbcUrl("postgres"), "CREATE DATABASE " + name);
    Result r = cli().run("audit", "verify", "--fleet-jdbc", pg.jdbcUrl(name), "--fleet-user", LocalPostgres.SUPERUSER,
        "--fleet-password-file", passwordFile.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("Could not read the fleet's audit chain", "migrated");
  }

  @Test
  void aPasswordFileOthersCanReadIsWarnedAbout() throws Exception {
    Path open = Files.writeString(dir.resolve("open.password"), pg.superuserPassword());
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Result r = verify("--fleet-password-file", open.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.err()).contains("can be read by group or others; chmod 600").doesNotContain(pg.superuserPassword());
  }

  @Test
  void theFleetOptionsJoinTheFleetForABrokerWithThePasswordFromItsFile() {
    FleetOptions options = new FleetOptions();
    options.jdbcUrl = url;
    options.user = LocalPostgres.SUPERUSER;
    options.passwordFile = passwordFile;

    try (PostgresFleet fleet = options.fleet(null, System.err).brokerId("broker-cli").start()) {
      assertThat(fleet.brokerId()).isEqualTo("broker-cli");
      assertThat(fleet.toString()).doesNotContain(pg.superuserPassword());
    }
  }

  private Path secretFile(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static void exec(String jdbcUrl, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.SUPERUSER, pg.superuserPassword());
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
