package dev.leasehold.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leasehold.audit.internal.AuditChain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * The default audit sink: one JSON object per line, each carrying a sequence number, the previous
 * record's hash and its own SHA-256 hash, so that {@link AuditVerifier} finds any edited, dropped or
 * reordered line.
 *
 * <p>Each record is written and flushed before {@link #record(AuditEvent)} returns; a write failure
 * throws {@link UncheckedIOException}, and Leasehold fails the request closed. Opening an existing file
 * resumes its chain from its last record (the file is appended to, never rewritten). Thread-safe. The
 * creator closes it.
 */
public final class JsonLinesAuditSink implements AuditSink {
  private final Path file;
  private final Writer writer;
  private long seq;
  private String prev;

  /**
   * Opens (or creates) {@code file} and resumes its chain.
   *
   * @param file the JSON Lines file; its parent directory must exist
   * @throws UncheckedIOException when the file cannot be opened or its last record is unreadable
   */
  public JsonLinesAuditSink(Path file) {
    this.file = Objects.requireNonNull(file, "file == null");
    try {
      resume();
      this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open audit log " + file + ": " + e.getMessage(), e);
    }
  }

  private void resume() throws IOException {
    seq = 0;
    prev = AuditChain.GENESIS;
    if (!Files.exists(file) || Files.size(file) == 0) {
      return;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      String last = lines.get(i);
      if (last.isBlank()) {
        continue;
      }
      String hash = AuditChain.storedHash(last);
      JsonNode node = AuditChain.parse(last);
      if (hash == null || !node.path("seq").canConvertToLong()) {
        throw new IOException("its last record (line " + (i + 1) + ") is not a Leasehold audit record; "
            + "run 'leasehold audit verify' and start a new file");
      }
      seq = node.get("seq").asLong();
      prev = hash;
      return;
    }
  }

  @Override
  public synchronized void record(AuditEvent event) {
    Objects.requireNonNull(event, "event == null");
    String line = AuditChain.line(seq + 1, event, prev);
    try {
      writer.write(line);
      writer.write('\n');
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write audit log " + file + ": " + e.getMessage(), e);
    }
    seq++;
    prev = AuditChain.storedHash(line);
  }

  /** The file this sink appends to. */
  public Path file() {
    return file;
  }

  @Override
  public synchronized void close() {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close audit log " + file, e);
    }
  }

  @Override
  public String toString() {
    return "JsonLinesAuditSink[" + file + "]";
  }
}
