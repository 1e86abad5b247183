package dev.leasehold.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * credential-process's private lease cache: one file per task under the user's cache folder
 * ({@code $XDG_CACHE_HOME/leasehold/leases}, else {@code ~/.cache/leasehold/leases}), mode 0600 in a 0700
 * folder, written atomically, named by a digest of the task. A file that is expired, unreadable, malformed
 * or readable by others is removed and ignored. It is the only file session credentials are ever written to.
 */
final class LeaseCache {
  /** Jackson's streaming factory: cheap to make, unlike an object mapper. */
  private static final JsonFactory STREAMING = new JsonFactory();
  private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

  private final Path folder;

  LeaseCache(Path folder) {
    this.folder = folder;
  }

  /** The cache of the user of {@code cli}. */
  static LeaseCache of(Cli cli) {
    String xdg = cli.env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : cli.home.resolve(".cache");
    return new LeaseCache(base.resolve("leasehold").resolve("leases"));
  }

  /** The file of the task described by {@code parts}. */
  Path file(List<String> parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return folder.resolve(HexFormat.of().formatHex(sha.digest()).substring(0, 40) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A cached lease: the credential_process JSON's fields, and that JSON as the file holds it.
   *
   * @param expiration when the lease expires
   * @param json the credential_process JSON (Version, AccessKeyId, SecretAccessKey, SessionToken, Expiration)
   */
  record Cached(Instant expiration, String json) {
    @Override
    public String toString() {
      return "Cached[expiration=" + expiration + "]"; // never the secret
    }
  }

  /**
   * The cached credential_process JSON in {@code file}, if present, private, well-formed and not yet expired.
   * Read with Jackson's streaming parser, not a full object mapper: this is the hot path of a
   * credential_process run, where setting up a mapper costs more than the rest of the read.
   */
  Optional<Cached> read(Path file, Instant now) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || !Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(PRIVATE)) {
        remove(file);
        return Optional.empty();
      }
      Optional<Cached> cached = parse(Files.readString(file, StandardCharsets.UTF_8));
      if (cached.isEmpty() || !cached.get().expiration().isAfter(now)) {
        remove(file);
        return Optional.empty();
      }
      return cached;
    } catch (IOException | RuntimeException e) {
      remove(file);
      return Optional.empty();
    }
  }

  /** The lease in {@code text}: one JSON object with an integer Version and the four text fields, else empty. */
  static Optional<Cached> parse(String text) throws IOException {
    boolean version = false;
    String keyId = null;
    String secret = null;
    String token = null;
    String expiration = null;
    try (JsonParser p = STREAMING.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "Version" -> version = value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
          case "AccessKeyId" -> keyId = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "SecretAccessKey" -> secret = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "SessionToken" -> token = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "Expiration" -> expiration = value == JsonToken.VALUE_STRING ? p.getText() : null;
          default -> p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return Optional.empty();
      }
    }
    if (!version || keyId == null || secret == null || token == null || expiration == null) {
      return Optional.empty();
    }
    return Optional.of(new Cached(Instant.parse(expiration), credentialProcessJson(keyId, secret, token, expiration)));
  }

  /** The credential_process JSON of a lease, in the field order AWS documents. */
  static String credentialProcessJson(String keyId, String secret, String token, String expiration) throws IOException {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = STREAMING.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("Version", 1);
      g.writeStringField("AccessKeyId", keyId);
      g.writeStringField("SecretAccessKey", secret);
      g.writeStringField("SessionToken", token);
      g.writeStringField("Expiration", expiration);
      g.writeEndObject();
    }
    return out.toString();
  }

  /** Writes {@code json} to {@code file} atomically, 0600 in a 0700 folder. */
  void write(Path file, String json) throws IOException {
    Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path temp = Files.createTempFile(folder, ".lease-", ".tmp", PosixFilePermissions.asFileAttribute(PRIVATE));
    try {
      Files.writeString(temp, json, StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  void remove(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a file we cannot remove is ignored on the next read as well
    }
  }
}
