package dev.leasehold.cli;

import static dev.leasehold.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.audit.AuditCheckpoint;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditLog;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.cli.CliRun.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * leasehold audit verify: 0 intact, 1 tampered naming the first bad line, 2 usage; with a key file the
 * MACs are checked too, and a checkpoint shows a cut tail.
 */
class AuditVerifyCommandTest {
  @TempDir Path dir;
  Path trail;

  @BeforeEach
  void writeATrail() {
    trail = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(trail)) {
      for (AuditEventType type : List.of(AuditEventType.REQUESTED, AuditEventType.APPROVED, AuditEventType.ASSUMED,
          AuditEventType.CLOSED)) {
        sink.record(AuditEvent.builder(type, Instant.parse("2026-11-23T14:30:00Z")).requestId("req-1").agent("hermes")
            .roleKey("s3-deploy").build());
      }
    }
  }

  @Test
  void anIntactTrailExitsZero() {
    Result r = cli().run("audit", "verify", trail.toString());

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("audit trail intact (4 records)");
  }

  @Test
  void anEditedLineIsNamed() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(trail));
    lines.set(2, lines.get(2).replace("s3-deploy", "ec2-read"));
    Files.write(trail, lines);

    Result r = cli().run("audit", "verify", trail.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith(trail + ":3: ").contains("TAMPERED: first bad line 3");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aDroppedLineIsNamed() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(trail));
    lines.remove(1);
    Files.write(trail, lines);

    Result r = cli().run("audit", "verify", trail.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("first bad line 2");
  }

  @Test
  void aMissingTrailExitsOne() {
    Result r = cli().run("audit", "verify", dir.resolve("none.jsonl").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("No audit trail at");
  }

  @Test
  void withoutAFileItIsAUsageError() {
    assertThat(cli().run("audit", "verify").exit()).isEqualTo(2);
  }

  @Test
  void withoutAKeyItSaysWhatTheCheckDoesNotProveAndPrintsTheLastCheckpoint() throws IOException {
    Result r = cli().run("audit", "verify", trail.toString());

    assertThat(r.out()).contains("MACs: not checked (no --key-file)", "not a rewrite")
        .contains("last checkpoint: 4:" + hashOfLine(trail, 4));
  }

  @Test
  void aKeyedTrailVerifiesWithItsKeyFile() throws IOException {
    Path keyed = keyedTrail();

    Result r = cli().run("audit", "verify", keyed.toString(), "--key-file", keyFile.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("audit trail intact (3 records)", "MACs: every record's checked with key id " + key.id(),
        "last checkpoint: " + lastCheckpoint);
  }

  @Test
  void aKeyedTrailWithARecordForgedWithoutTheKeyExitsOneNamingIt() throws IOException {
    Path keyed = keyedTrail();
    List<String> lines = new ArrayList<>(Files.readAllLines(keyed));
    String forged = lines.get(1).replace("\"type\":\"approved\"", "\"type\":\"denied\"");
    String signed = forged.substring(0, forged.indexOf(",\"hash\":\"")) + "}";
    lines.set(1, forged.replaceFirst("\"hash\":\"[0-9a-f]{64}\"", "\"hash\":\"" + sha256(signed) + "\""));
    Files.write(keyed, lines);

    assertThat(cli().run("audit", "verify", keyed.toString()).exit()).as("without the key").isEqualTo(1);
    Result r = cli().run("audit", "verify", keyed.toString(), "--key-file", keyFile.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith(keyed + ":2: MAC mismatch").contains("TAMPERED: first bad line 2");
  }

  @Test
  void aWrongKeyIsReportedAsSuch() throws IOException {
    Path keyed = keyedTrail();
    Path otherKey = dir.resolve("other.key");
    Files.writeString(otherKey, Base64.getEncoder().encodeToString(new byte[32]));
    Files.setPosixFilePermissions(otherKey, PosixFilePermissions.fromString("rw-------"));

    Result r = cli().run("audit", "verify", keyed.toString(), "--key-file", otherKey.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains(":1: sealed with another key (key id " + key.id()).contains("wrong key file");
  }

  @Test
  void aCutTailIsFoundAgainstACheckpointGivenInlineOrInAFile() throws IOException {
    Path keyed = keyedTrail();
    Files.write(keyed, Files.readAllLines(keyed).subList(0, 2));
    Path checkpoints = dir.resolve("checkpoints.txt");
    Files.writeString(checkpoints, "1:" + "0".repeat(64) + "\n" + lastCheckpoint + "\n\n");

    Result inline = cli().run("audit", "verify", keyed.toString(), "--key-file", keyFile.toString(),
        "--checkpoint", lastCheckpoint.toString());
    Result fromFile = cli().run("audit", "verify", keyed.toString(), "--key-file", keyFile.toString(),
        "--checkpoint", checkpoints.toString());

    for (Result r : List.of(inline, fromFile)) {
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).startsWith(keyed + ":3: truncated").contains("records 3 to 3 were cut off");
    }
    assertThat(cli().run("audit", "verify", keyed.toString(), "--key-file", keyFile.toString()).exit())
        .as("without the checkpoint the cut is invisible").isZero();
  }

  @Test
  void aReachedCheckpointIsReported() throws IOException {
    Path keyed = keyedTrail();

    Result r = cli().run("audit", "verify", keyed.toString(), "--key-file", keyFile.toString(),
        "--checkpoint", lastCheckpoint.toString());

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("checkpoint " + lastCheckpoint + ": reached");
  }

  @Test
  void aKeyFileOthersCanReadIsAUsageError() throws IOException {
    Path keyed = keyedTrail();
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

    Result r = cli().run("audit", "verify", keyed.toString(), "--key-file", keyFile.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--key-file: Audit key file " + keyFile + " is open to group or others")
        .contains("chmod 600").doesNotContain(Files.readString(keyFile).strip());
  }

  @Test
  void aMalformedCheckpointIsAUsageError() {
    Result r = cli().run("audit", "verify", trail.toString(), "--checkpoint", "4:xyz");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--checkpoint takes SEQ:SEAL");
    Result shortSeal = cli().run("audit", "verify", trail.toString(), "--checkpoint", "4:abcd");
    assertThat(shortSeal.exit()).isEqualTo(2);
    assertThat(shortSeal.err()).contains("--checkpoint: a checkpoint is SEQ:SEAL");
  }

  Path keyFile;
  AuditKey key;
  AuditCheckpoint lastCheckpoint;

  private Path keyedTrail() throws IOException {
    keyFile = dir.resolve("audit.key");
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(bytes) + "\n");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    key = AuditKey.fromFile(keyFile);
    Path keyed = dir.resolve("keyed.jsonl");
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(AuditLog.builder(keyed).key(key).build())) {
      for (AuditEventType type : List.of(AuditEventType.REQUESTED, AuditEventType.APPROVED, AuditEventType.ASSUMED)) {
        sink.record(AuditEvent.builder(type, Instant.parse("2026-11-23T14:30:00Z")).requestId("req-1").agent("hermes")
            .roleKey("s3-deploy").build());
      }
      lastCheckpoint = sink.checkpoint().orElseThrow();
    }
    return keyed;
  }

  private static String hashOfLine(Path file, int lineNo) throws IOException {
    String line = Files.readAllLines(file).get(lineNo - 1);
    int at = line.indexOf("\"hash\":\"") + 8;
    return line.substring(at, at + 64);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
