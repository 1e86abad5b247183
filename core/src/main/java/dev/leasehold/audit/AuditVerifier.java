package dev.leasehold.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leasehold.audit.internal.AuditChain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;

/**
 * Checks a {@link JsonLinesAuditSink} file. What each check proves:
 *
 * <ul>
 *   <li><b>Always</b> (unkeyed or keyed log, no key given): each record's hash matches its text, sequence
 *       numbers rise by one from 1, and each record's {@code prev} is the hash of the record before. This
 *       finds accidental damage and careless edits: an edited line fails its own hash, a dropped or
 *       reordered line breaks the sequence and the chain there. It does <b>not</b> prove that nobody
 *       rewrote the log: the hash is plain SHA-256, so whoever can write the file can delete or change a
 *       record and recompute every hash after it, and the result verifies. Nor does it see records cut off
 *       the end.
 *   <li><b>With the log's {@link AuditKey}</b>: also each record's HMAC-SHA256 seal over its text, which
 *       includes its sequence number and the previous hash. Whoever lacks the key cannot edit, delete,
 *       insert or re-chain records without the first changed one failing its MAC. A record without a MAC,
 *       or sealed with another key (its {@code keyId} differs), is reported as such, so a wrong key is told
 *       apart from tampering. It still cannot see records cut off the end.
 *   <li><b>With a {@link AuditCheckpoint}</b> kept out of the writers' reach: the log must reach that record
 *       and hold that seal there; a log that ends before it is reported as truncated.
 * </ul>
 *
 * <p>Thread-safe (stateless).
 */
public final class AuditVerifier {
  private AuditVerifier() {}

  /**
   * Verifies the hashes, sequence and chain of {@code file} (MACs of a keyed log are not checked).
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public static AuditVerification verify(Path file) {
    return check(file, null, null);
  }

  /**
   * Verifies {@code file} and every record's MAC under {@code key}.
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public static AuditVerification verify(Path file, AuditKey key) {
    return check(file, Objects.requireNonNull(key, "key == null"), null);
  }

  /**
   * Verifies the hashes, sequence and chain of {@code file} and that it reaches {@code checkpoint}.
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public static AuditVerification verify(Path file, AuditCheckpoint checkpoint) {
    return check(file, null, Objects.requireNonNull(checkpoint, "checkpoint == null"));
  }

  /**
   * Verifies {@code file}, every record's MAC under {@code key}, and that it reaches {@code checkpoint}.
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public static AuditVerification verify(Path file, AuditKey key, AuditCheckpoint checkpoint) {
    return check(file, Objects.requireNonNull(key, "key == null"),
        Objects.requireNonNull(checkpoint, "checkpoint == null"));
  }

  /**
   * Verifies records that are not in a file: each element of {@code records} is one record's exact text (what
   * a {@link JsonLinesAuditSink} writes as one line, without the line break), in the order of their sequence
   * numbers, for example the rows of a database table that a sink in another module appends to. The checks
   * are those of the file methods above; {@link AuditVerification#firstBadLine()} is then the 1-based position
   * of the first bad record in {@code records}. The iterator is read once, lazily, so it may stream.
   *
   * @param records the records in order; an exception thrown by the iterator ends the check and is rethrown
   * @param key the chain's key, or null to check hashes, sequence and chain only
   * @param checkpoint a checkpoint the chain must reach, or null
   */
  public static AuditVerification verifyRecords(Iterator<String> records, AuditKey key, AuditCheckpoint checkpoint) {
    Objects.requireNonNull(records, "records == null");
    try {
      return check(() -> records.hasNext() ? Objects.requireNonNull(records.next(), "a record is null") : null, key,
          checkpoint);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not reached: an iterator throws no checked exception
    }
  }

  /** The next record's text, or null after the last. */
  private interface Records {
    String next() throws IOException;
  }

  private static AuditVerification check(Path file, AuditKey key, AuditCheckpoint checkpoint) {
    Objects.requireNonNull(file, "file == null");
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return check(reader::readLine, key, checkpoint);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read audit log " + file + ": " + e.getMessage(), e);
    }
  }

  private static AuditVerification check(Records reader, AuditKey key, AuditCheckpoint checkpoint)
      throws IOException {
    AuditChain chain = key == null ? AuditChain.unkeyed() : AuditChain.keyed(key.newMac(), key.id());
    boolean keyed = key != null;
    String prev = AuditChain.GENESIS;
    String lastSeal = null;
    long expectedSeq = 1;
    int lineNo = 0;
    String line;
    while ((line = reader.next()) != null) {
      lineNo++;
      if (line.isBlank()) {
        return bad(expectedSeq - 1, lineNo, "blank line inside the log", keyed);
      }
      AuditChain.Parts parts = AuditChain.split(line);
      if (parts == null) {
        return bad(expectedSeq, lineNo, "no hash: the record was edited or is not a Leasehold audit record", keyed);
      }
      if (!parts.hash().equals(chain.hashOf(parts.signed()))) {
        return bad(expectedSeq, lineNo, "hash mismatch: the record was edited", keyed);
      }
      JsonNode node;
      try {
        node = AuditChain.parse(line);
      } catch (IOException e) {
        return bad(expectedSeq, lineNo, "not valid JSON", keyed);
      }
      if (keyed) {
        String problem = macProblem(chain, key, parts, node);
        if (problem != null) {
          return bad(expectedSeq, lineNo, problem, keyed);
        }
      }
      long seq = node.path("seq").asLong(-1);
      if (seq != expectedSeq) {
        return bad(expectedSeq, lineNo, "sequence " + seq + " where " + expectedSeq
            + " was expected: a record was removed or the records were reordered", keyed);
      }
      if (!prev.equals(node.path("prev").asText())) {
        return bad(expectedSeq, lineNo, "chain broken: prev does not match the hash of the record before", keyed);
      }
      String seal = parts.mac() != null ? parts.mac() : parts.hash();
      if (checkpoint != null && seq == checkpoint.seq() && !JsonLinesAuditSink.sameSeal(seal, checkpoint.seal())) {
        return bad(expectedSeq, lineNo, "record " + seq + " does not match the checkpoint " + checkpoint
            + ": the log was rewritten up to or at this record", keyed);
      }
      prev = parts.hash();
      lastSeal = seal;
      expectedSeq++;
    }
    long records = expectedSeq - 1;
    if (checkpoint != null && records < checkpoint.seq()) {
      return bad(records, lineNo + 1, "truncated: the log ends after record " + records + ", but the checkpoint "
          + "names record " + checkpoint.seq() + "; records " + (records + 1) + " to " + checkpoint.seq()
          + " were cut off the end", keyed);
    }
    return new AuditVerification(true, records, 0, "", keyed,
        lastSeal == null ? null : new AuditCheckpoint(records, lastSeal));
  }

  /** What is wrong with a record's seal under {@code key}, or null when its MAC verifies. */
  private static String macProblem(AuditChain chain, AuditKey key, AuditChain.Parts parts, JsonNode node) {
    JsonNode keyId = node.path("keyId");
    if (parts.mac() == null) {
      return "no MAC: the record was written without a key (an unkeyed log: verify it without --key-file) "
          + "or its seal was stripped";
    }
    if (!keyId.isTextual() || !keyId.asText().equals(key.id())) {
      return "sealed with another key (key id " + (keyId.isTextual() ? keyId.asText() : "missing") + ", the given key's "
          + "id is " + key.id() + "): wrong key file, or a forged record";
    }
    if (!JsonLinesAuditSink.sameSeal(parts.mac(), chain.macOf(parts.signed()))) {
      return "MAC mismatch: the record was edited, inserted or re-chained by someone without the key";
    }
    return null;
  }

  private static AuditVerification bad(long records, int line, String problem, boolean keyed) {
    return new AuditVerification(false, records, line, problem, keyed, null);
  }
}
