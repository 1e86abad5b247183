package dev.leasehold.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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
  /** Made on first use: commands that never touch the cache (--help, lint) do not pay for Jackson's set-up. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
  private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

  private final Path folder;

  LeaseCache(Path folder) {
    this.folder = folder;
  }

  /** The JSON mapper of the cache and of credential-process's output. */
  static ObjectMapper json() {
    return Json.MAPPER;
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

  /** The cached credential_process JSON in {@code file}, if present, private, well-formed and not yet expired. */
  Optional<ObjectNode> read(Path file, Instant now) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || !Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(PRIVATE)) {
        remove(file);
        return Optional.empty();
      }
      JsonNode node = json().readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (!(node instanceof ObjectNode json) || !node.path("Version").isInt() || !node.hasNonNull("AccessKeyId")
          || !node.hasNonNull("SecretAccessKey") || !node.hasNonNull("SessionToken")
          || !Instant.parse(node.path("Expiration").asText()).isAfter(now)) {
        remove(file);
        return Optional.empty();
      }
      return Optional.of(json);
    } catch (IOException | RuntimeException e) {
      remove(file);
      return Optional.empty();
    }
  }

  /** Writes {@code json} to {@code file} atomically, 0600 in a 0700 folder. */
  void write(Path file, ObjectNode json) throws IOException {
    Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path temp = Files.createTempFile(folder, ".lease-", ".tmp", PosixFilePermissions.asFileAttribute(PRIVATE));
    try {
      Files.writeString(temp, json().writeValueAsString(json), StandardCharsets.UTF_8);
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
