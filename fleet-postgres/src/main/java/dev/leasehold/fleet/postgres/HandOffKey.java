package dev.leasehold.fleet.postgres;

import dev.leasehold.internal.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The secret every broker of a fleet shares and the database never sees. It authenticates what brokers hand each
 * other through the database (a waiting broker's one-time key, a sealed lease, an outcome), so that whoever can
 * write the database can neither have a lease sealed to its own key nor hand a broker credentials of its choosing,
 * and it keys the digests that stand for tasks and cool-downs, so that a reason cannot be guessed back from a
 * row. At least 32 random bytes; keep it where the broker's other secrets are. Immutable; {@code toString()} shows
 * nothing of the key.
 *
 * <pre>{@code
 * // once: head -c 32 /dev/urandom | base64 > /etc/leasehold/fleet-hand-off.key; chmod 600 it
 * HandOffKey key = HandOffKey.fromFile(Path.of("/etc/leasehold/fleet-hand-off.key"));
 * }</pre>
 */
public final class HandOffKey {
  /** The least key length, in bytes. */
  public static final int MIN_BYTES = 32;

  private final byte[] key;

  private HandOffKey(byte[] key) {
    this.key = key;
  }

  /**
   * A key of these bytes (copied).
   *
   * @throws IllegalArgumentException when shorter than {@value #MIN_BYTES} bytes
   */
  public static HandOffKey of(byte[] key) {
    Objects.requireNonNull(key, "key == null");
    if (key.length < MIN_BYTES) {
      throw new IllegalArgumentException("A hand-off key has at least " + MIN_BYTES + " bytes, this one has "
          + key.length + "; make one with: head -c 32 /dev/urandom | base64");
    }
    return new HandOffKey(key.clone());
  }

  /** A new random key (for tests, or to write out once and give every broker). */
  public static HandOffKey generate() {
    byte[] bytes = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new HandOffKey(bytes);
  }

  /**
   * Reads a key written as Base64 text (one line), refusing a file group or others have any permission on.
   *
   * @throws IllegalArgumentException when the file is open to group or others or holds no key of at least 32 bytes
   * @throws UncheckedIOException when the file cannot be read
   */
  public static HandOffKey fromFile(Path file) {
    Objects.requireNonNull(file, "file == null");
    try {
      if (!SecretFiles.openToOthers(file).isEmpty()) {
        throw new IllegalArgumentException("The hand-off key file " + file + " is open to group or others ("
            + SecretFiles.mode(file) + "); whoever can read it and write the fleet's database can have leases "
            + "sent to them. Run: chmod 600 "
            + file);
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("The hand-off key file " + file + " does not hold Base64 text; make one "
            + "with: head -c 32 /dev/urandom | base64", null);
      }
      try {
        return of(bytes);
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the hand-off key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The key's bytes (a copy), for the fleet's internals. */
  byte[] bytes() {
    return key.clone();
  }

  @Override
  public String toString() {
    return "HandOffKey[***]";
  }
}
