package dev.leasehold.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AuditVerifier.verifyRecords: records that are not in a file (rows of a table) get exactly the file's checks,
 * with the first bad record named by its position.
 */
class VerifyRecordsTest {
  static final AuditKey KEY = AuditKey.of("verify-records-key-for-tests-0123456".getBytes());

  @TempDir Path dir;
  Path file;
  List<String> records;

  @BeforeEach
  void writeAKeyedTrail() throws Exception {
    file = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(AuditLog.builder(file).key(KEY).build())) {
      for (int i = 0; i < 5; i++) {
        sink.record(AuditEvent.builder(AuditEventType.CALL_ALLOWED, Instant.parse("2026-12-01T10:00:00Z"))
            .requestId("req-" + i).agent("hermes").roleKey("s3-deploy").action("s3:GetObject").build());
      }
    }
    records = Files.readAllLines(file);
  }

  @Test
  void intactRecordsGiveTheSameResultAsTheirFile() {
    AuditVerification fromRecords = AuditVerifier.verifyRecords(records.iterator(), KEY, null);

    assertThat(fromRecords).isEqualTo(AuditVerifier.verify(file, KEY));
    assertThat(fromRecords.intact()).isTrue();
    assertThat(fromRecords.last().seq()).isEqualTo(5);
    assertThat(AuditVerifier.verifyRecords(records.iterator(), null, fromRecords.last()).intact()).isTrue();
  }

  @Test
  void anEditedRecordIsNamedByItsPositionAndAWrongKeyIsToldApart() {
    List<String> edited = new ArrayList<>(records);
    edited.set(3, edited.get(3).replace("hermes", "hades"));

    AuditVerification v = AuditVerifier.verifyRecords(edited.iterator(), null, null);
    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isEqualTo(4);
    assertThat(v.problem()).contains("hash mismatch");

    AuditVerification wrongKey = AuditVerifier.verifyRecords(records.iterator(),
        AuditKey.of("another-key-for-verify-records-tests-987".getBytes()), null);
    assertThat(wrongKey.firstBadLine()).isEqualTo(1);
    assertThat(wrongKey.problem()).contains("sealed with another key");
  }

  @Test
  void aMissingRecordAndACutTailAreFound() {
    AuditCheckpoint end = AuditVerifier.verifyRecords(records.iterator(), KEY, null).last();
    List<String> gap = new ArrayList<>(records);
    gap.remove(1);
    assertThat(AuditVerifier.verifyRecords(gap.iterator(), KEY, null).problem()).contains("sequence 3 where 2");

    AuditVerification cut = AuditVerifier.verifyRecords(records.subList(0, 3).iterator(), KEY, end);
    assertThat(cut.intact()).isFalse();
    assertThat(cut.problem()).contains("truncated", "records 4 to 5 were cut off the end");
  }

  @Test
  void anEmptyRecordIsBadAndTheIteratorsOwnFailureIsRethrown() {
    List<String> blank = new ArrayList<>(records);
    blank.add(2, "");
    assertThat(AuditVerifier.verifyRecords(blank.iterator(), null, null).problem()).contains("blank");

    Iterator<String> failing = new Iterator<>() {
      int n;

      @Override
      public boolean hasNext() {
        if (n == 2) {
          throw new IllegalStateException("the database went away");
        }
        return true;
      }

      @Override
      public String next() {
        return records.get(n++);
      }
    };
    assertThatThrownBy(() -> AuditVerifier.verifyRecords(failing, KEY, null))
        .isInstanceOf(IllegalStateException.class).hasMessage("the database went away");
  }
}
