package dev.leasehold.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one rule for a file that holds a secret (an audit key, the fleet's hand-off key, a broker token, a
 * database password): it is private when neither group nor others have any permission on it, read, write
 * (someone could replace the secret) or execute. A symbolic link is followed, so the file it names is what is
 * judged (secret volumes of container platforms are links). On a file system without POSIX permissions the
 * owner's access lists decide and nothing is reported. Each caller decides whether an open file is refused
 * or warned about, and says so in its own words, always with the fix: {@code chmod 600 FILE}.
 */
public final class SecretFiles {
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private SecretFiles() {}

  /**
   * The permissions group or others have on {@code file}.
   *
   * @return empty when the file is private, or when its file system has no POSIX permissions
   * @throws IOException when the permissions cannot be read (for example, the file does not exist)
   */
  public static Set<PosixFilePermission> openToOthers(Path file) throws IOException {
    if (Files.getFileAttributeView(file, PosixFileAttributeView.class) == null) {
      return Set.of();
    }
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(Files.getPosixFilePermissions(file));
    open.retainAll(GROUP_OR_OTHERS);
    return open;
  }

  /** All of {@code file}'s permissions in {@code ls} form ({@code rw-r--r--}), for messages. */
  public static String mode(Path file) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    } catch (IOException | UnsupportedOperationException e) {
      return "permissions unreadable";
    }
  }
}
