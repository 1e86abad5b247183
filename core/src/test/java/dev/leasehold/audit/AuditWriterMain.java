package dev.leasehold.audit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A writer process for the multi-process audit tests: {@code AuditWriterMain FILE COUNT NAME [KEY-FILE]}. It
 * opens a {@link JsonLinesAuditSink} on FILE (keyed when KEY-FILE is given), prints {@code ready}, waits for a line on standard input (so that
 * every writer starts at once), appends COUNT records whose request id is {@code NAME-i}, prints
 * {@code written}, waits for standard input to close (so a test can kill it first, sink still open),
 * closes the sink, prints {@code done} and exits 0.
 */
public final class AuditWriterMain {
  private AuditWriterMain() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    String name = args[2];
    AuditLog.Builder settings = AuditLog.builder(file);
    if (args.length > 3) {
      settings.key(AuditKey.fromFile(Path.of(args[3])));
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (JsonLinesAuditSink sink = new JsonLinesAuditSink(settings.build())) {
      System.out.println("ready");
      System.out.flush();
      in.readLine();
      for (int i = 0; i < count; i++) {
        sink.record(AuditEvent.builder(AuditEventType.CALL_ALLOWED, Instant.now()).requestId(name + "-" + i)
            .agent(name).action("s3:GetObject").outcome("ok").build());
      }
      System.out.println("written");
      System.out.flush();
      while (in.readLine() != null) {
        // wait for the end of standard input
      }
    }
    System.out.println("done");
    System.out.flush();
  }
}
