package dev.leasehold.internal;

import dev.leasehold.UnsafeCredentialsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

/**
 * Refuses base identities that an agent could use to bypass Leasehold. The only place in Leasehold that looks
 * at AWS credential variables, and it looks at their names only: values are never read.
 */
public final class CredentialGuard {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialGuard.class);

  /** Environment variables that hand out AWS credentials to any code in the process. */
  public static final List<String> VARIABLES = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
  /** System properties that do the same. */
  public static final List<String> PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.secretKey", "aws.sessionToken");

  /**
   * Loggers where the AWS SDK or its HTTP clients print request headers at DEBUG, including the session
   * token ({@code x-amz-security-token}) of every signed request. Leasehold warns when any is at DEBUG.
   */
  public static final List<String> LEAKY_LOGGERS = List.of(
      "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner",
      "software.amazon.awssdk.auth.signer.internal.AbstractAws4Signer",
      "software.amazon.awssdk.auth.signer.Aws4Signer",
      "org.apache.hc.client5.http.wire",
      "org.apache.hc.client5.http.headers",
      "org.apache.http.wire",
      "org.apache.http.headers");

  private CredentialGuard() {}

  /**
   * Warns about each logger in {@link #LEAKY_LOGGERS} that is at DEBUG or finer.
   *
   * @return the names of those loggers
   */
  public static List<String> warnAboutLeakyLoggers() {
    List<String> leaky = new ArrayList<>();
    for (String name : LEAKY_LOGGERS) {
      if (LoggerFactory.getLogger(name).isDebugEnabled()) {
        leaky.add(name);
      }
    }
    if (!leaky.isEmpty()) {
      LOG.warn("These loggers are at DEBUG, where the AWS SDK and its HTTP client print the session token of every "
          + "signed request: {}. Set them to INFO or higher while agents hold leases.", leaky);
    }
    return leaky;
  }

  /**
   * Fails when {@code provider} reads environment or system-property credentials.
   *
   * @throws UnsafeCredentialsException naming the provider and what to use instead
   */
  public static void checkProvider(AwsCredentialsProvider provider) {
    if (provider instanceof EnvironmentVariableCredentialsProvider
        || provider instanceof SystemPropertyCredentialsProvider
        || provider instanceof DefaultCredentialsProvider) {
      throw new UnsafeCredentialsException(provider.getClass().getSimpleName()
          + " is refused as the base identity: it reads credentials from the environment or system properties, "
          + "which any code in the process can also use. Pass an explicit provider instead: "
          + "ProfileCredentialsProvider.create(\"agent-profile\"), a secret-store provider, or the platform "
          + "identity (InstanceProfileCredentialsProvider, ContainerCredentialsProvider, "
          + "WebIdentityTokenFileCredentialsProvider).");
    }
  }

  /**
   * Fails, or warns when {@code warnOnly}, when AWS credential variables or properties are present.
   *
   * @throws UnsafeCredentialsException naming the variables (never their values)
   */
  public static void checkEnvironment(Map<String, String> environment, Properties properties, boolean warnOnly) {
    List<String> present = new ArrayList<>();
    for (String name : VARIABLES) {
      String value = environment.get(name);
      if (value != null && !value.isEmpty()) {
        present.add("environment variable " + name);
      }
    }
    for (String name : PROPERTIES) {
      String value = properties.getProperty(name);
      if (value != null && !value.isEmpty()) {
        present.add("system property " + name);
      }
    }
    if (present.isEmpty()) {
      return;
    }
    String message = "AWS credentials are present in this process (" + String.join(", ", present)
        + "): any code here, including a prompt-injected tool, could use them without approval. "
        + "Unset them and give the factory an explicit base identity.";
    if (warnOnly) {
      LOG.warn("{} (Downgraded to a warning by warnOnlyOnCredentialVariables().)", message);
      return;
    }
    throw new UnsafeCredentialsException(message
        + " If they cannot be removed, call warnOnlyOnCredentialVariables() on the builder to downgrade this check to a warning.");
  }
}
