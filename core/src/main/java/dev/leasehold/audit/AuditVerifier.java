package dev.leasehold.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leasehold.audit.internal.AuditChain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a {@link JsonLinesAuditSink} file: each record's hash matches its text, sequence numbers rise
 * by one from 1, and each record's {@code prev} is the hash of the record before. An edited line fails
 * its own hash; a dropped or reordered line breaks the sequence and the chain at that line.
 *
 * <p>What it cannot see: lines removed from the end of the file. Ship the last hash somewhere else
 * (a log service) if truncation matters. Thread-safe (stateless).
 */
public final class AuditVerifier {
  private AuditVerifier() {}

  /**
   * Verifies {@code file}.
   *
   * @param file the audit log
   * @return the result, naming the first bad line
   * @throws UncheckedIOException when the file cannot be read
   */
  public static AuditVerification verify(Path file) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String prev = AuditChain.GENESIS;
      long expectedSeq = 1;
      int lineNo = 0;
      String line;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          return bad(expectedSeq - 1, lineNo, "blank line inside the log");
        }
        String stored = AuditChain.storedHash(line);
        if (stored == null) {
          return bad(expectedSeq, lineNo, "no hash: the record was edited or is not a Leasehold audit record");
        }
        if (!stored.equals(AuditChain.computedHash(line))) {
          return bad(expectedSeq, lineNo, "hash mismatch: the record was edited");
        }
        JsonNode node;
        try {
          node = AuditChain.parse(line);
        } catch (IOException e) {
          return bad(expectedSeq, lineNo, "not valid JSON");
        }
        long seq = node.path("seq").asLong(-1);
        if (seq != expectedSeq) {
          return bad(expectedSeq, lineNo, "sequence " + seq + " where " + expectedSeq
              + " was expected: a record was removed or the records were reordered");
        }
        if (!prev.equals(node.path("prev").asText())) {
          return bad(expectedSeq, lineNo, "chain broken: prev does not match the hash of the record before");
        }
        prev = stored;
        expectedSeq++;
      }
      return new AuditVerification(true, expectedSeq - 1, 0, "");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read audit log " + file + ": " + e.getMessage(), e);
    }
  }

  private static AuditVerification bad(long records, int line, String problem) {
    return new AuditVerification(false, records, line, problem);
  }
}
