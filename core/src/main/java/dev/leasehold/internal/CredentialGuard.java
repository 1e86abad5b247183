package dev.leasehold.internal;

import dev.leasehold.UnsafeCredentialsException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Refuses base identities that an agent could use to bypass Leasehold. The only place in Leasehold that names
 * the AWS credential variables ({@link #VARIABLES}, refused here and by the local pre-deploy check) and the
 * longer list a child process given a lease must not inherit ({@link #WITHHELD_FROM_CHILD}, used by
 * {@code leasehold exec} and the MCP server's AWS CLI runs); it looks at their names only: values are never read.
 */
public final class CredentialGuard {
  /** Set up on the first warning: a process that has nothing to warn about does not start a logging back end. */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(CredentialGuard.class);
  }

  /** Environment variables that hand out AWS credentials to any code in the process. */
  public static final List<String> VARIABLES = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");
  /** System properties that do the same. */
  public static final List<String> PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.secretKey", "aws.sessionToken");

  /**
   * Loggers that print secrets at DEBUG or TRACE: the AWS SDK's SigV4 signers and Apache HTTP clients' wire and
   * header logs print the session token ({@code x-amz-security-token}) of every signed request; the SDK's
   * interceptor chain prints a request before and after any interceptor that modifies it, which for
   * {@code AssumeRole} includes the {@code TokenCode} (the SDK's {@code AssumeRoleRequest.toString()} does not
   * redact it); the Java-WebSocket client under the Slack channel prints Socket Mode frames, which carry
   * approvals and the MFA code typed into Slack. Leasehold warns when any is at DEBUG or finer, or refuses to
   * build with {@code refuseLeakyLoggers()}.
   *
   * <p>Each name is checked as a logger of its own: a child logger set to a finer level than its listed parent
   * is not seen.
   */
  public static final List<String> LEAKY_LOGGERS = List.of(
      "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner",
      "software.amazon.awssdk.auth.signer.internal.AbstractAws4Signer",
      "software.amazon.awssdk.auth.signer.Aws4Signer",
      "software.amazon.awssdk.core.interceptor.ExecutionInterceptorChain",
      "org.apache.hc.client5.http.wire",
      "org.apache.hc.client5.http.headers",
      "org.apache.http.wire",
      "org.apache.http.headers",
      "org.java_websocket",
      "org.java_websocket.WebSocketImpl",
      "org.java_websocket.drafts.Draft_6455");

  /**
   * Variables that tell the SDK's container and web-identity providers where a platform identity is (ECS/EKS
   * container credentials, EKS/IRSA web identity). They hold no keys, but any code in the process can follow
   * them to that identity, so their presence is warned about (never refused: the platform identity may be the
   * intended base identity).
   */
  public static final List<String> PLATFORM_VARIABLES = List.of(
      "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
      "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE");

  /** The variable holding a broker client's token, read by the CLI and the MCP server. */
  public static final String BROKER_TOKEN_VARIABLE = "LEASEHOLD_BROKER_TOKEN";
  /** The variable naming the file that holds a broker client's token. */
  public static final String BROKER_TOKEN_FILE_VARIABLE = "LEASEHOLD_BROKER_TOKEN_FILE";
  /**
   * {@link #BROKER_TOKEN_VARIABLE} and {@link #BROKER_TOKEN_FILE_VARIABLE}: whoever holds that token can ask for
   * leases, so a child process never inherits them.
   */
  public static final List<String> BROKER_TOKEN_VARIABLES = List.of(BROKER_TOKEN_VARIABLE, BROKER_TOKEN_FILE_VARIABLE);

  /**
   * Every variable through which an AWS SDK or the AWS CLI in a child process would find credentials, a profile
   * or a role other than its lease: {@link #VARIABLES}, {@link #PLATFORM_VARIABLES}, the legacy
   * {@code AWS_SECURITY_TOKEN}, the profile selectors {@code AWS_PROFILE} and {@code AWS_DEFAULT_PROFILE}, the
   * web-identity role {@code AWS_ROLE_ARN} and {@code AWS_ROLE_SESSION_NAME}, and
   * {@link #BROKER_TOKEN_VARIABLES}. {@link #leaseEnvironment(Map, URI, String)} also drops every
   * {@code AWS_*CREDENTIALS_FILE} and points the shared credentials file at {@code /dev/null}.
   */
  public static final List<String> WITHHELD_FROM_CHILD = Stream.of(VARIABLES, PLATFORM_VARIABLES,
      List.of("AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME"),
      BROKER_TOKEN_VARIABLES).flatMap(List::stream).toList();

  /**
   * Settings of a config-file profile with which an AWS SDK or the AWS CLI finds credentials of its own
   * (static keys, a credential process, a role, web identity, IAM Identity Center), ahead of container
   * credentials in every SDK's default chain.
   */
  public static final List<String> PROFILE_CREDENTIAL_SETTINGS = List.of("aws_access_key_id",
      "aws_secret_access_key", "aws_session_token", "credential_process", "role_arn", "credential_source",
      "source_profile", "web_identity_token_file", "sso_session", "sso_start_url", "sso_account_id");

  private static final int MAX_CHAIN_DEPTH = 16;

  private CredentialGuard() {}

  /**
   * The environment of a child process whose only AWS credentials are one lease served through the
   * container-credentials protocol: {@code parent} without {@link #WITHHELD_FROM_CHILD} and without any
   * {@code AWS_*CREDENTIALS_FILE}, plus {@code AWS_SHARED_CREDENTIALS_FILE=/dev/null},
   * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} (which every AWS
   * SDK and the AWS CLI read unmodified). The config file stays (it holds the region and other settings); a
   * caller checks it with {@link #profileCredentialSettings(Path)}.
   *
   * @return a new, modifiable map in {@code parent}'s order, the three variables last
   */
  public static Map<String, String> leaseEnvironment(Map<String, String> parent, URI credentialsUri,
      String credentialsToken) {
    Map<String, String> env = new LinkedHashMap<>();
    parent.forEach((name, value) -> {
      if (!WITHHELD_FROM_CHILD.contains(name) && !(name.startsWith("AWS_") && name.endsWith("CREDENTIALS_FILE"))) {
        env.put(name, value);
      }
    });
    // The shared credentials file holds nothing but credentials, and every SDK reads it before the lease.
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", credentialsUri.toString());
    env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", credentialsToken);
    return env;
  }

  /**
   * The settings of {@link #PROFILE_CREDENTIAL_SETTINGS} in the default profile of {@code configFile}, which a
   * child given {@link #leaseEnvironment(Map, URI, String)} reads (that environment selects no other profile):
   * with any of them, its AWS SDK would use those credentials instead of the lease. Only the names are
   * returned, never the values.
   *
   * @return the names, in {@link #PROFILE_CREDENTIAL_SETTINGS}' order; empty when the file does not exist
   * @throws IllegalArgumentException when the file cannot be parsed as an AWS config file (its message names
   *     the line, never a value)
   */
  public static List<String> profileCredentialSettings(Path configFile) {
    if (!Files.isRegularFile(configFile)) {
      return List.of();
    }
    Map<String, String> settings = ProfileFile.builder().content(configFile).type(ProfileFile.Type.CONFIGURATION)
        .build().profile("default").map(Profile::properties).orElse(Map.of());
    return PROFILE_CREDENTIAL_SETTINGS.stream().filter(settings::containsKey).toList();
  }

  /** The loggers of {@link #LEAKY_LOGGERS} that are at DEBUG or finer now, through SLF4J. */
  public static List<String> leakyLoggers() {
    List<String> leaky = new ArrayList<>();
    for (String name : LEAKY_LOGGERS) {
      if (LoggerFactory.getLogger(name).isDebugEnabled()) {
        leaky.add(name);
      }
    }
    return leaky;
  }

  /**
   * Warns about each logger in {@link #LEAKY_LOGGERS} that is at DEBUG or finer.
   *
   * @return the names of those loggers
   */
  public static List<String> warnAboutLeakyLoggers() {
    List<String> leaky = leakyLoggers();
    if (!leaky.isEmpty()) {
      Log.LOG.warn("These loggers are at DEBUG or finer, where the AWS SDK, its HTTP clients or the Slack WebSocket "
          + "client print the session token of every signed request, the MFA code of an AssumeRole request or "
          + "Slack frames: {}. Set them to INFO or higher while agents hold leases.", leaky);
    }
    return leaky;
  }

  /**
   * Fails when any logger in {@link #LEAKY_LOGGERS} is at DEBUG or finer.
   *
   * @throws UnsafeCredentialsException naming each such logger
   */
  public static void refuseLeakyLoggers() {
    List<String> leaky = leakyLoggers();
    if (!leaky.isEmpty()) {
      throw new UnsafeCredentialsException("These loggers are at DEBUG or finer, where they print session tokens, "
          + "MFA codes or Slack frames: " + String.join(", ", leaky) + ". Set them to INFO or higher in your "
          + "logging configuration, or build without refuseLeakyLoggers() to be only warned.");
    }
  }

  /**
   * Fails when {@code provider} reads environment or system-property credentials: an
   * {@link EnvironmentVariableCredentialsProvider}, a {@link SystemPropertyCredentialsProvider}, a
   * {@link DefaultCredentialsProvider}, or an {@link AwsCredentialsProviderChain} that contains one of them at any
   * depth. A chain whose members cannot be read (a future SDK that renames its field) is refused too.
   *
   * <p>What this cannot see: a provider of another class that reads the environment itself, or that resolves
   * through another client (an {@code StsAssumeRoleCredentialsProvider} whose own {@code StsClient} uses the
   * default chain). Give such providers an explicit identity yourself.
   *
   * @throws UnsafeCredentialsException naming the provider and what to use instead
   */
  public static void checkProvider(IdentityProvider<?> provider) {
    String refused = refused(provider, 0);
    if (refused != null) {
      throw new UnsafeCredentialsException(refused + " is refused as the base identity: it reads credentials from "
          + "the environment or system properties, which any code in the process can also use. Pass an explicit "
          + "provider instead: ProfileCredentialsProvider.create(\"agent-profile\"), a secret-store provider, or "
          + "the platform identity (InstanceProfileCredentialsProvider, ContainerCredentialsProvider, "
          + "WebIdentityTokenFileCredentialsProvider).");
    }
  }

  /**
   * Fails when an injected STS client resolves its credentials through a provider that
   * {@link #checkProvider(IdentityProvider)} refuses, including a client built without
   * {@code credentialsProvider(...)}, which falls back to the SDK's default chain. The provider is read from
   * {@code serviceClientConfiguration().credentialsProvider()}; a client that does not expose it (a hand-written
   * {@code StsClient}) cannot be inspected and is accepted with a warning.
   *
   * @throws UnsafeCredentialsException naming the provider and what to configure instead
   */
  public static void checkStsClient(StsClient client) {
    IdentityProvider<?> provider;
    try {
      provider = client.serviceClientConfiguration().credentialsProvider();
    } catch (UnsupportedOperationException e) {
      Log.LOG.warn("The injected StsClient ({}) does not expose its credentials provider, so Leasehold cannot check that "
          + "it is not the default chain or the environment. Build it with an explicit credentialsProvider(...).",
          client.getClass().getName());
      return;
    }
    if (provider == null) {
      return;
    }
    String refused = refused(provider, 0);
    if (refused != null) {
      throw new UnsafeCredentialsException("The injected stsClient resolves its credentials through " + refused
          + ", which reads the environment or system properties (a client built without credentialsProvider(...) "
          + "uses the SDK's default chain): any code in the process could use them without approval. Build the "
          + "client with an explicit credentialsProvider(...), such as ProfileCredentialsProvider.create(\"agent\").");
    }
  }

  /** The name of the refused provider inside {@code provider} (a path through chains), or null. */
  private static String refused(IdentityProvider<?> provider, int depth) {
    if (provider instanceof EnvironmentVariableCredentialsProvider
        || provider instanceof SystemPropertyCredentialsProvider
        || provider instanceof DefaultCredentialsProvider) {
      return provider.getClass().getSimpleName();
    }
    if (provider instanceof AwsCredentialsProviderChain chain) {
      List<?> members = members(chain);
      if (members == null || depth > MAX_CHAIN_DEPTH) {
        return "AwsCredentialsProviderChain (its members cannot be inspected; pass the provider you mean directly)";
      }
      for (Object member : members) {
        if (member instanceof IdentityProvider<?> p) {
          String inner = refused(p, depth + 1);
          if (inner != null) {
            return "AwsCredentialsProviderChain containing " + inner;
          }
        }
      }
    }
    return null;
  }

  /** The chain's providers, read reflectively (the SDK has no accessor), or null when that is not possible. */
  private static List<?> members(AwsCredentialsProviderChain chain) {
    try {
      Field field = AwsCredentialsProviderChain.class.getDeclaredField("credentialsProviders");
      field.setAccessible(true);
      return field.get(chain) instanceof List<?> list ? list : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Fails, or warns when {@code warnOnly}, when AWS credential variables or properties are present; warns
   * (only) when {@link #PLATFORM_VARIABLES} are set.
   *
   * <p>What this cannot detect: an instance profile (EC2's metadata service needs no variable), credentials in
   * files the process can read ({@code ~/.aws}, SSO caches, another tool's cache), a credential process named
   * in a profile, variables set after the factory was built, and anything reachable outside this process's
   * environment. In embedded mode an agent with a shell can reach all of these; broker mode is the answer.
   *
   * @throws UnsafeCredentialsException naming the variables (never their values)
   */
  public static void checkEnvironment(Map<String, String> environment, Properties properties, boolean warnOnly) {
    List<String> platform = new ArrayList<>();
    for (String name : PLATFORM_VARIABLES) {
      String value = environment.get(name);
      if (value != null && !value.isEmpty()) {
        platform.add(name);
      }
    }
    if (!platform.isEmpty()) {
      Log.LOG.warn("{} set: this process can reach a platform identity (container or web-identity credentials) that "
          + "any code here, including a prompt-injected tool, can use without approval. Fine when that identity is "
          + "the agent's base identity and may only assume the catalog's roles; otherwise remove the variables or "
          + "run the agent where the platform grants no identity.", platform);
    }
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
      Log.LOG.warn("{} (Downgraded to a warning by warnOnlyOnCredentialVariables().)", message);
      return;
    }
    throw new UnsafeCredentialsException(message
        + " If they cannot be removed, call warnOnlyOnCredentialVariables() on the builder to downgrade this check to a warning.");
  }
}
