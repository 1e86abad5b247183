package dev.leasehold.audit;

import dev.leasehold.internal.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 key that seals a keyed audit log: every record then carries a MAC over its text
 * (including its sequence number and the hash of the record before), so that whoever can write the log
 * but lacks this key cannot delete, edit or re-chain a record without {@link AuditVerifier} noticing.
 *
 * <p>The rule: the key is only worth what its storage is. Keep it where the agent cannot read it (a file
 * owned by another user or mode {@code 0600} under an account the agent does not run as, or a secret
 * store) and hand it to Leasehold as bytes ({@link #of(byte[])}) or from a file ({@link #fromFile(Path)}),
 * which refuses a file that group or others may read or write.
 *
 * <p>The key never leaves this object: not through {@link #toString()}, an exception message, an audit
 * record or a log line. What may be shown is {@link #id()}, a short fingerprint (HMAC of a fixed label,
 * not reversible) that the log stores in each record so that a verifier can tell "wrong key" from
 * "tampered". Immutable and thread-safe.
 *
 * <pre>{@code
 * // once, as the user who owns the audit trail:
 * //   umask 077; openssl rand -base64 32 > ~/.leasehold/audit.key
 * AuditKey key = AuditKey.fromFile(Path.of(System.getProperty("user.home"), ".leasehold", "audit.key"));
 * }</pre>
 */
public final class AuditKey {
  /** The shortest key accepted: 32 bytes (256 bits), the output size of SHA-256. */
  public static final int MIN_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";
  private static final int MAX_FILE_BYTES = 4096;
  private static final byte[] ID_LABEL = "leasehold-audit-key-id".getBytes(StandardCharsets.US_ASCII);
  private final SecretKeySpec key;
  private final String id;

  private AuditKey(byte[] bytes) {
    this.key = new SecretKeySpec(bytes, ALGORITHM); // copies the bytes
    Mac mac = newMac();
    this.id = HexFormat.of().formatHex(Arrays.copyOf(mac.doFinal(ID_LABEL), 8));
  }

  /**
   * A key from raw bytes (from a secret store, say). The bytes are copied; clear your array afterwards.
   *
   * @param key at least {@value #MIN_BYTES} random bytes
   * @return the key
   * @throws AuditLogException when the key is shorter than {@value #MIN_BYTES} bytes
   */
  public static AuditKey of(byte[] key) {
    Objects.requireNonNull(key, "key == null");
    if (key.length < MIN_BYTES) {
      throw new AuditLogException("An audit key needs at least " + MIN_BYTES + " bytes, this one has " + key.length
          + "; generate one with: openssl rand -base64 32");
    }
    return new AuditKey(key); // SecretKeySpec keeps its own copy
  }

  /**
   * Loads a key from a file holding it in base64 (one line, as {@code openssl rand -base64 32} writes it).
   * On a POSIX file system the file must not be readable or writable by group or others (mode
   * {@code 0600} or {@code 0400}); elsewhere restrict it with the system's own access lists.
   *
   * @param file the key file
   * @return the key
   * @throws AuditLogException when the file is missing, unreadable, open to group or others, not base64,
   *     or holds fewer than {@value #MIN_BYTES} bytes; the message never holds key material
   */
  public static AuditKey fromFile(Path file) {
    Objects.requireNonNull(file, "file == null");
    if (!Files.isRegularFile(file)) {
      throw new AuditLogException("No audit key file at " + file
          + "; create one with: umask 077; openssl rand -base64 32 > " + file);
    }
    checkPermissions(file);
    byte[] raw = null;
    byte[] decoded = null;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new AuditLogException("Audit key file " + file + " is larger than " + MAX_FILE_BYTES
            + " bytes; it should hold one base64 line, as written by: openssl rand -base64 32");
      }
      raw = Files.readAllBytes(file);
      String text = new String(raw, StandardCharsets.US_ASCII).replaceAll("\\s", ""); // line breaks of wrapped base64
      try {
        decoded = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) { // its message quotes a character of the file: not chained
        throw new AuditLogException("Audit key file " + file + " does not hold a base64 key; write one with: "
            + "umask 077; openssl rand -base64 32 > " + file);
      }
      if (decoded.length < MIN_BYTES) {
        throw new AuditLogException("Audit key file " + file + " holds a key of " + decoded.length
            + " bytes; at least " + MIN_BYTES + " are needed: umask 077; openssl rand -base64 32 > " + file);
      }
      return new AuditKey(decoded);
    } catch (IOException e) {
      throw new AuditLogException("Cannot read audit key file " + file + " (" + e.getClass().getSimpleName()
          + "); it must be readable by the user that writes or verifies the audit log", e);
    } finally {
      if (raw != null) {
        Arrays.fill(raw, (byte) 0);
      }
      if (decoded != null) {
        Arrays.fill(decoded, (byte) 0);
      }
    }
  }

  private static void checkPermissions(Path file) {
    Set<PosixFilePermission> open;
    try {
      open = SecretFiles.openToOthers(file);
    } catch (IOException e) {
      throw new AuditLogException("Cannot read the permissions of audit key file " + file, e);
    }
    if (!open.isEmpty()) {
      throw new AuditLogException("Audit key file " + file + " is open to group or others ("
          + SecretFiles.mode(file) + "); whoever can read it can rewrite the audit log "
          + "undetected. Run: chmod 600 " + file);
    }
  }


  /**
   * The key's fingerprint: 16 hex digits of an HMAC of a fixed label under this key. Stored in each
   * record of a keyed log; reveals nothing about the key.
   */
  public String id() {
    return id;
  }

  /**
   * A new HMAC-SHA256 instance initialised with this key, for an audit sink that seals records (such as the
   * PostgreSQL sink of {@code leasehold-fleet-postgres}, through {@code AuditChain.keyed}). It can make seals
   * but never gives the key's bytes back; whoever holds this {@code AuditKey} could already seal records by
   * opening a sink with it. Not thread-safe: one per user.
   */
  public Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  /** Two keys are equal when they hold the same bytes (compared in constant time). */
  @Override
  public boolean equals(Object o) {
    return o instanceof AuditKey other && MessageDigest.isEqual(key.getEncoded(), other.key.getEncoded());
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  /** Only the fingerprint: {@code AuditKey[id=...]}. */
  @Override
  public String toString() {
    return "AuditKey[id=" + id + "]";
  }
}
