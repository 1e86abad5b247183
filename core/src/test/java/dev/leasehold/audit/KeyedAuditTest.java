package dev.leasehold.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keyed audit log against someone who can write the file but lacks the key: deleting and re-chaining,
 * editing, stripping the seals and cutting off the tail are all found; a wrong key is told apart from
 * tampering; the key appears nowhere.
 */
class KeyedAuditTest {
  static final byte[] KEY_BYTES = HexFormat.of().parseHex(
      "6c65617365686f6c642d746573742d6b65792d6e6f742d666f722d757365213f0011223344556677");
  static final byte[] OTHER_KEY_BYTES = HexFormat.of().parseHex(
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  static final AuditKey KEY = AuditKey.of(KEY_BYTES);
  static final Pattern SEQ = Pattern.compile("^\\{\"seq\":\\d+,");
  static final Pattern PREV = Pattern.compile("\"prev\":\"[0-9a-f]{64}\"");

  @TempDir Path dir;
  Path log;
  AuditCheckpoint checkpoint;

  @BeforeEach
  void writeAKeyedLog() {
    log = dir.resolve("keyed.jsonl");
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(AuditLog.builder(log).key(KEY).build())) {
      for (int i = 1; i <= 5; i++) {
        sink.record(event("req-" + i));
      }
      checkpoint = sink.checkpoint().orElseThrow();
    }
  }

  @Test
  void aKeyedLogVerifiesWithItsKeyAndEveryRecordCarriesItsSeal() throws IOException {
    AuditVerification result = AuditVerifier.verify(log, KEY);

    assertThat(result.intact()).isTrue();
    assertThat(result.records()).isEqualTo(5);
    assertThat(result.macsChecked()).isTrue();
    assertThat(result.last()).isEqualTo(checkpoint);
    assertThat(checkpoint.seq()).isEqualTo(5);
    assertThat(Files.readAllLines(log)).allSatisfy(line -> assertThat(line)
        .matches(".*,\"prev\":\"[0-9a-f]{64}\",\"keyId\":\"" + KEY.id() + "\",\"hash\":\"[0-9a-f]{64}\",\"mac\":\"[0-9a-f]{64}\"}"));
    assertThat(Files.readAllLines(log).get(4)).endsWith(",\"mac\":\"" + checkpoint.seal() + "\"}");
  }

  @Test
  void aRecordDeletedAndTheRestReChainedWithPlainSha256IsFoundWithTheKey() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.remove(2);
    Files.write(log, Attacker.rechain(lines, false));

    assertThat(AuditVerifier.verify(log).intact()).as("without the key, a re-chained log looks intact").isTrue();
    AuditVerification keyed = AuditVerifier.verify(log, KEY);
    assertThat(keyed.intact()).isFalse();
    assertThat(keyed.firstBadLine()).isEqualTo(3);
    assertThat(keyed.problem()).startsWith("MAC mismatch").contains("re-chained");
  }

  @Test
  void strippingTheSealsDoesNotDowngradeAKeyedCheck() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.remove(2);
    Files.write(log, Attacker.rechain(lines, true));

    AuditVerification keyed = AuditVerifier.verify(log, KEY);
    assertThat(keyed.intact()).isFalse();
    assertThat(keyed.firstBadLine()).isEqualTo(1);
    assertThat(keyed.problem()).startsWith("no MAC");
  }

  @Test
  void anEditedRecordIsFoundWithTheKeyEvenWithItsHashRecomputed() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.set(1, lines.get(1).replace("\"role\":\"s3-deploy\"", "\"role\":\"s3-read\""));
    Files.write(log, Attacker.rechain(lines, false));

    AuditVerification keyed = AuditVerifier.verify(log, KEY);
    assertThat(keyed.intact()).isFalse();
    assertThat(keyed.firstBadLine()).isEqualTo(2);
    assertThat(keyed.problem()).startsWith("MAC mismatch");
  }

  @Test
  void anEditedRecordWithItsOldHashFailsItsHash() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.set(3, lines.get(3).replace("req-4", "req-9"));
    Files.write(log, lines);

    AuditVerification keyed = AuditVerifier.verify(log, KEY);
    assertThat(keyed.intact()).isFalse();
    assertThat(keyed.firstBadLine()).isEqualTo(4);
    assertThat(keyed.problem()).contains("hash mismatch");
  }

  @Test
  void aCutOffTailIsFoundGivenTheLastCheckpoint() throws IOException {
    List<String> lines = Files.readAllLines(log);
    Files.write(log, lines.subList(0, 3));

    assertThat(AuditVerifier.verify(log, KEY).intact()).as("the file alone cannot show a cut tail").isTrue();
    AuditVerification result = AuditVerifier.verify(log, KEY, checkpoint);
    assertThat(result.intact()).isFalse();
    assertThat(result.records()).isEqualTo(3);
    assertThat(result.firstBadLine()).isEqualTo(4);
    assertThat(result.problem()).startsWith("truncated").contains("records 4 to 5 were cut off");
  }

  @Test
  void aCheckpointReachedWithItsSealIsIntact() {
    AuditVerification result = AuditVerifier.verify(log, KEY, new AuditCheckpoint(3, sealOfLine(3)));

    assertThat(result.intact()).isTrue();
    assertThat(result.records()).isEqualTo(5);
  }

  @Test
  void aRecordThatDiffersFromTheCheckpointIsReported() {
    AuditCheckpoint forOtherLog = new AuditCheckpoint(4, "ab".repeat(32));

    AuditVerification result = AuditVerifier.verify(log, KEY, forOtherLog);

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBadLine()).isEqualTo(4);
    assertThat(result.problem()).contains("does not match the checkpoint");
  }

  @Test
  void aWrongKeyIsReportedAsAWrongKey() {
    AuditKey other = AuditKey.of(OTHER_KEY_BYTES);

    AuditVerification result = AuditVerifier.verify(log, other);

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBadLine()).isEqualTo(1);
    assertThat(result.problem()).startsWith("sealed with another key").contains(KEY.id(), other.id(), "wrong key");
  }

  @Test
  void anUnkeyedLogVerifiedWithAKeyIsReportedAsUnkeyed() {
    Path plain = dir.resolve("plain.jsonl");
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(plain)) {
      sink.record(event("req-1"));
    }

    AuditVerification result = AuditVerifier.verify(plain, KEY);

    assertThat(result.intact()).isFalse();
    assertThat(result.problem()).contains("without a key");
  }

  @Test
  void anUnkeyedLogWithACheckpointFindsItsCutTail() throws IOException {
    Path plain = dir.resolve("plain.jsonl");
    AuditCheckpoint last;
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(plain)) {
      sink.record(event("req-1"));
      sink.record(event("req-2"));
      last = sink.checkpoint().orElseThrow();
    }
    assertThat(last.seal()).isEqualTo(AuditVerifier.verify(plain).last().seal());
    Files.write(plain, Files.readAllLines(plain).subList(0, 1));

    AuditVerification result = AuditVerifier.verify(plain, last);

    assertThat(result.intact()).isFalse();
    assertThat(result.problem()).startsWith("truncated");
    assertThat(result.macsChecked()).isFalse();
  }

  @Test
  void aKeyedSinkRefusesToContinueAnUnkeyedLog() {
    Path plain = dir.resolve("plain.jsonl");
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(plain)) {
      sink.record(event("req-1"));
    }

    assertThatThrownBy(() -> new JsonLinesAuditSink(AuditLog.builder(plain).key(KEY).build()))
        .isInstanceOf(AuditLogException.class).hasMessageContaining("written without a key")
        .hasMessageContaining("new file");
  }

  @Test
  void anUnkeyedSinkRefusesToContinueAKeyedLog() {
    assertThatThrownBy(() -> new JsonLinesAuditSink(log))
        .isInstanceOf(AuditLogException.class).hasMessageContaining("is keyed").hasMessageContaining(KEY.id());
  }

  @Test
  void aSinkWithAnotherKeyRefusesToContinueTheLog() {
    AuditKey other = AuditKey.of(OTHER_KEY_BYTES);

    assertThatThrownBy(() -> new JsonLinesAuditSink(AuditLog.builder(log).key(other).build()))
        .isInstanceOf(AuditLogException.class).hasMessageContaining("another key");
  }

  @Test
  void aKeyedSinkRefusesToChainOntoAForgedLastRecord() throws IOException {
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(AuditLog.builder(log).key(KEY).build())) {
      List<String> lines = new ArrayList<>(Files.readAllLines(log));
      lines.add(lines.get(4).replace("req-5", "req-6")); // another "writer" forges record 6 without the key
      Files.write(log, Attacker.rechain(lines, false));

      assertThatThrownBy(() -> sink.record(event("req-7")))
          .isInstanceOf(AuditLogException.class).hasMessageContaining("MAC of its last record does not verify");
    }
    assertThat(Files.readAllLines(log)).hasSize(6);
  }

  @Test
  void aSinkFollowsAnotherWritersRecordLongerThanOneReadChunk() {
    try (JsonLinesAuditSink a = new JsonLinesAuditSink(AuditLog.builder(log).key(KEY).build());
         JsonLinesAuditSink b = new JsonLinesAuditSink(AuditLog.builder(log).key(KEY).build())) {
      a.record(event("req-6").toBuilder().cause("x ".repeat(10_000)).build());
      b.record(event("req-7"));
    }

    AuditVerification result = AuditVerifier.verify(log, KEY);
    assertThat(result.intact()).isTrue();
    assertThat(result.records()).isEqualTo(7);
  }

  @Test
  void aLogEndingInAPartialLineIsNotContinued() throws IOException {
    Files.writeString(log, "{\"seq\":6,\"time\":\"2026", StandardOpenOption.APPEND);

    assertThatThrownBy(() -> new JsonLinesAuditSink(AuditLog.builder(log).key(KEY).build()))
        .isInstanceOf(AuditLogException.class).hasMessageContaining("partial line");
  }

  @Test
  void aWriterThatCannotGetTheLockInTimeFailsWithoutWriting() throws IOException {
    long before = Files.size(log);
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(
             AuditLog.builder(log).key(KEY).lockTimeout(Duration.ofMillis(200)).build());
         FileChannel other = FileChannel.open(log, StandardOpenOption.WRITE);
         FileLock held = other.lock()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> sink.record(event("req-6")))
          .isInstanceOf(AuditLogException.class).hasMessageContaining("locked for more than 200 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(held.isValid()).isTrue();
    }
    assertThat(Files.size(log)).isEqualTo(before);
  }

  @Test
  void aClosedSinkRefusesRecords() {
    JsonLinesAuditSink sink = new JsonLinesAuditSink(AuditLog.builder(log).key(KEY).build());
    sink.close();
    sink.close();

    assertThatThrownBy(() -> sink.record(event("req-6"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void theKeyAppearsInNoRecordNoToStringAndNoMessage() throws IOException {
    String base64 = Base64.getEncoder().encodeToString(KEY_BYTES);
    String hex = HexFormat.of().formatHex(KEY_BYTES);
    AuditLog settings = AuditLog.builder(log).key(KEY).build();
    List<String> seen = new ArrayList<>();
    seen.add(Files.readString(log));
    seen.add(KEY.toString());
    seen.add(settings.toString());
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(settings)) {
      seen.add(sink.toString());
    }
    seen.add(AuditVerifier.verify(log, AuditKey.of(OTHER_KEY_BYTES)).problem());
    try {
      new JsonLinesAuditSink(log);
    } catch (AuditLogException e) {
      seen.add(e.getMessage());
    }
    Path openKey = writeKeyFile(dir.resolve("open.key"), KEY_BYTES);
    Files.setPosixFilePermissions(openKey, PosixFilePermissions.fromString("rw-r--r--"));
    try {
      AuditKey.fromFile(openKey);
    } catch (AuditLogException e) {
      seen.add(e.getMessage());
    }

    assertThat(seen).hasSize(7).allSatisfy(text -> assertThat(text)
        .doesNotContain(base64).doesNotContain(hex).doesNotContainIgnoringCase(hex.substring(0, 16)));
    assertThat(KEY.toString()).isEqualTo("AuditKey[id=" + KEY.id() + "]");
    assertThat(settings.toString()).contains("key=" + KEY.id());
  }

  private String sealOfLine(int lineNo) {
    try {
      Matcher m = Pattern.compile("\"mac\":\"([0-9a-f]{64})\"").matcher(Files.readAllLines(log).get(lineNo - 1));
      assertThat(m.find()).isTrue();
      return m.group(1);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static AuditEvent event(String requestId) {
    return AuditEvent.builder(AuditEventType.CALL_ALLOWED, Instant.parse("2026-11-23T10:00:00Z")).requestId(requestId)
        .agent("hermes").roleKey("s3-deploy").action("s3:GetObject").outcome("ok").build();
  }

  /** Writes {@code key} as base64 to {@code file} with mode 0600. */
  static Path writeKeyFile(Path file, byte[] key) throws IOException {
    Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /**
   * What someone who can write the file but lacks the key can do, from the documented format alone:
   * renumber the records and recompute every {@code prev} and plain SHA-256 {@code hash}.
   */
  static final class Attacker {
    private Attacker() {}

    static List<String> rechain(List<String> lines, boolean stripSeals) {
      List<String> out = new ArrayList<>();
      String prev = "0".repeat(64);
      long seq = 1;
      for (String line : lines) {
        int cut = line.indexOf(",\"hash\":\"");
        String rest = line.substring(cut);
        String body = line.substring(0, cut);
        if (stripSeals) {
          body = body.replaceFirst(",\"keyId\":\"[0-9a-f]+\"", "");
        }
        body = SEQ.matcher(body).replaceFirst("{\"seq\":" + seq + ",");
        body = PREV.matcher(body).replaceFirst("\"prev\":\"" + prev + "\"");
        String hash = sha256(body + "}");
        String mac = stripSeals || !rest.contains("\"mac\"") ? "" : rest.substring(rest.indexOf(",\"mac\""), rest.length() - 1);
        out.add(body + ",\"hash\":\"" + hash + "\"" + mac + "}");
        prev = hash;
        seq++;
      }
      return out;
    }

    private static String sha256(String text) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }
}
