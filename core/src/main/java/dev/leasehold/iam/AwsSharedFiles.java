package dev.leasehold.iam;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the AWS shared files and Leasehold's own folder are, found the way the AWS CLI and the AWS SDKs
 * (their {@code ProfileFileLocation}) find them, so that {@code HOME=/x leasehold verify --profile admin} reads
 * the same files as {@code HOME=/x aws ...}:
 *
 * <ul>
 *   <li>the home folder is {@code HOME} when it is set and not blank, else the {@code user.home} system
 *       property (a JVM's {@code user.home} comes from the password database, not from {@code HOME});
 *   <li>the credentials file is {@code AWS_SHARED_CREDENTIALS_FILE}, else {@code <home>/.aws/credentials};
 *   <li>the config file is {@code AWS_CONFIG_FILE}, else {@code <home>/.aws/config};
 *   <li>a leading {@code ~/} in either variable means the home folder;
 *   <li>Leasehold's default cache and audit folder is {@code <home>/.leasehold}.
 * </ul>
 *
 * <p>The SDK also honours the system properties {@code aws.sharedCredentialsFile} and {@code aws.configFile};
 * these methods take only the environment. Stateless and thread-safe.
 */
public final class AwsSharedFiles {
  private AwsSharedFiles() {}

  /**
   * The home folder: {@code HOME}, else {@code userHome}.
   *
   * @param environment the process environment, usually {@link System#getenv()}
   * @param userHome the {@code user.home} system property (may be null)
   */
  public static Path home(Map<String, String> environment, String userHome) {
    Objects.requireNonNull(environment, "environment == null");
    String home = environment.get("HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home);
    }
    return Path.of(userHome != null && !userHome.isBlank() ? userHome : ".");
  }

  /** The shared credentials file: {@code AWS_SHARED_CREDENTIALS_FILE}, else {@code <home>/.aws/credentials}. */
  public static Path credentialsFile(Map<String, String> environment, Path home) {
    return file(environment, "AWS_SHARED_CREDENTIALS_FILE", home, "credentials");
  }

  /** The shared config file: {@code AWS_CONFIG_FILE}, else {@code <home>/.aws/config}. */
  public static Path configFile(Map<String, String> environment, Path home) {
    return file(environment, "AWS_CONFIG_FILE", home, "config");
  }

  /** Leasehold's own folder for caches and the default audit log: {@code <home>/.leasehold}. */
  public static Path leaseholdFolder(Path home) {
    return Objects.requireNonNull(home, "home == null").resolve(".leasehold");
  }

  private static Path file(Map<String, String> environment, String variable, Path home, String name) {
    Objects.requireNonNull(environment, "environment == null");
    Objects.requireNonNull(home, "home == null");
    String value = environment.get(variable);
    if (value == null || value.isBlank()) {
      return home.resolve(".aws").resolve(name);
    }
    if (value.equals("~")) {
      return home;
    }
    if (value.startsWith("~/") || value.startsWith("~" + java.io.File.separator)) {
      return home.resolve(value.substring(2));
    }
    return Path.of(value);
  }
}
