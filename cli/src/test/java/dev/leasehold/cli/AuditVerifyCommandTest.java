package dev.leasehold.cli;

import static dev.leasehold.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.cli.CliRun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** leasehold audit verify: 0 intact, 1 tampered naming the first bad line, 2 usage. */
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
}
