package dev.leasehold.iam;

import dev.leasehold.internal.CredentialGuard;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * The local half of the pre-deploy checklist: the machine the agent runs on must hold no AWS credentials
 * other than the agent's own, or an agent (or whatever hijacks it) could use them without approval.
 *
 * <ul>
 *   <li>{@code local credential variables}: none of {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
 *       {@code AWS_SESSION_TOKEN} is set (to a non-empty value);
 *   <li>{@code local credentials file}: the shared credentials file holds access keys for no profile but
 *       the agent's.
 * </ul>
 *
 * <p>Only names are read: neither a variable's value nor a key ever leaves this class. Stateless and
 * thread-safe.
 */
public final class LocalVerifier {
  /**
   * The environment variables that hand AWS credentials to every process that inherits them: the same list
   * the session factory refuses at build time ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
   * {@code AWS_SESSION_TOKEN}).
   */
  public static final List<String> CREDENTIAL_VARIABLES = CredentialGuard.VARIABLES;

  private LocalVerifier() {}

  /**
   * Runs both local checks.
   *
   * @param environment the environment to inspect, usually {@link System#getenv()}
   * @param credentialsFile the shared credentials file, found with
   *     {@link AwsSharedFiles#credentialsFile(Map, java.nio.file.Path)} ({@code AWS_SHARED_CREDENTIALS_FILE},
   *     else {@code $HOME/.aws/credentials}); a missing file passes
   * @param agentProfile the profile the agent's base identity lives in; its keys are expected
   * @return the two checks
   */
  public static List<Check> verify(Map<String, String> environment, Path credentialsFile, String agentProfile) {
    Objects.requireNonNull(environment, "environment == null");
    Objects.requireNonNull(credentialsFile, "credentialsFile == null");
    Objects.requireNonNull(agentProfile, "agentProfile == null");
    return List.of(variables(environment), credentialsFile(credentialsFile, agentProfile));
  }

  private static Check variables(Map<String, String> environment) {
    String name = "local credential variables";
    List<String> present = new ArrayList<>();
    for (String variable : CREDENTIAL_VARIABLES) {
      String value = environment.get(variable);
      if (value != null && !value.isEmpty()) {
        present.add(variable);
      }
    }
    return present.isEmpty()
        ? Check.pass(name, "none of " + CREDENTIAL_VARIABLES + " is set")
        : Check.fail(name, present + " set: any process here can use them without approval; unset them and "
            + "give the agent a profile instead");
  }

  private static Check credentialsFile(Path file, String agentProfile) {
    String name = "local credentials file";
    if (!Files.isRegularFile(file)) {
      return Check.pass(name, "no credentials file at " + file);
    }
    ProfileFile profiles;
    try {
      profiles = ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build();
    } catch (UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
      return Check.fail(name, file + " could not be read as a credentials file; check it by hand");
    }
    List<String> others = new ArrayList<>();
    profiles.profiles().forEach((profile, p) -> {
      if (!profile.equals(agentProfile) && p.property("aws_access_key_id").isPresent()) {
        others.add(profile);
      }
    });
    return others.isEmpty()
        ? Check.pass(name, file + " holds keys for no profile but '" + agentProfile + "'")
        : Check.fail(name, file + " holds keys for " + others + " besides the agent's '" + agentProfile
            + "': the agent could use them without approval; move them off this machine");
  }
}
