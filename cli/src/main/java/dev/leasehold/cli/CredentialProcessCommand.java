package dev.leasehold.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.iam.AwsSharedFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

/**
 * {@code leasehold credential-process}: an approved lease in the AWS {@code credential_process} format, so the
 * AWS CLI, boto3 or any SDK can use it. Standard output carries the credentials JSON and nothing else.
 */
@Command(name = "credential-process", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Asks a human to approve a lease on a catalog role, then prints ONLY the AWS credential_process "
        + "JSON (Version 1, AccessKeyId, SecretAccessKey, SessionToken, Expiration) on standard output.",
        "Use it from ~/.aws/config:",
        "  credential_process = java -jar /path/leasehold.jar credential-process --catalog /path/leasehold.yaml "
            + "--role s3-deploy --reason \"upload release artifacts to the deploy bucket\" --profile hermes-agent",
        "The console channel asks on the controlling terminal, not on standard input or output.",
        "Errors: exit 1 with the reason on standard error and nothing on standard output."})
final class CredentialProcessCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cli cli;
  @Spec CommandSpec spec;

  @Option(names = "--catalog", required = true, paramLabel = "FILE", description = "The catalog file.")
  Path catalogFile;

  @Option(names = "--terraform-output", paramLabel = "FILE",
      description = "A 'terraform output -json' file giving role_arns and agent_user_arn.")
  Path terraformOutput;

  @Option(names = "--role", required = true, paramLabel = "KEY", description = "The catalog role key.")
  String role;

  @Option(names = "--reason", required = true, paramLabel = "TEXT",
      description = "A concrete reason: what will be done, to what, and why (12-256 characters, 3+ words).")
  String reason;

  @Option(names = "--intent", paramLabel = "ACTION", split = ",", arity = "1..*",
      description = "IAM actions the task needs, such as s3:PutObject; the lease is narrowed to them by an STS "
          + "session policy.")
  List<String> intent = new ArrayList<>();

  @Option(names = "--resource", paramLabel = "ARN", split = ",", arity = "1..*", description = "Resource ARNs the actions apply to.")
  List<String> resources = new ArrayList<>();

  @Option(names = "--profile", required = true, paramLabel = "P",
      description = "The profile holding the agent's own identity (allowed only sts:AssumeRole). Required, and "
          + "must not be the profile that runs this credential_process.")
  String profile;

  @Option(names = "--region", paramLabel = "R", description = "The STS region (default: the catalog's defaults.region).")
  String region;

  @Option(names = "--sts-endpoint-url", paramLabel = "URL", description = "Send STS calls to this endpoint.")
  URI stsEndpoint;

  @Option(names = "--audit-log", paramLabel = "FILE", description = "The audit trail (default ~/.leasehold/audit.jsonl).")
  Path auditLog;

  @Option(names = "--approval", paramLabel = "CHANNEL", defaultValue = "console",
      description = "The approval channel by provider name: console (default) or slack (needs the "
          + "leasehold-approval-slack jar on the class path).")
  String approval;

  @Option(names = "--approval-config", paramLabel = "FILE",
      description = "The channel's settings as a Java properties file (for slack: its tokens and channel).")
  Path approvalConfig;

  CredentialProcessCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException {
    AwsSetup.endpoint(spec, stsEndpoint, "--sts-endpoint-url");
    if (!approval.matches("[a-z0-9][a-z0-9-]{0,63}")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--approval must be a channel name such as "
          + "console or slack, was '" + approval + "'");
    }
    RoleCatalog catalog = AwsSetup.catalog(catalogFile, terraformOutput);
    AccessRequest request = AccessRequest.builder().role(role).reason(reason).intent(intent).resources(resources).build();
    Path audit = auditLog != null ? auditLog : defaultAuditLog();

    ApprovalChannel channel = openChannel();
    try (channel) {
      AwsSessionFactory.Builder builder = AwsSessionFactory.builder()
          .catalog(catalog)
          .baseCredentials(AwsSetup.profile(cli, profile, null))
          .approvalChannel(channel)
          .auditLog(audit)
          .environment(cli.env);
      if (region != null) {
        builder.region(Region.of(region));
      }
      if (stsEndpoint != null) {
        builder.stsEndpoint(stsEndpoint);
      }
      try (AwsSessionFactory factory = builder.build();
           AgentSession session = factory.open(request)) {
        AwsCredentials credentials = session.exportCredentials("credential-process prints the lease for the AWS SDK or CLI that ran it").resolveCredentials();
        if (!(credentials instanceof AwsSessionCredentials lease)) {
          throw new CliException("The lease holds no session token; refusing to print it.");
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("Version", 1);
        json.put("AccessKeyId", lease.accessKeyId());
        json.put("SecretAccessKey", lease.secretAccessKey());
        json.put("SessionToken", lease.sessionToken());
        json.put("Expiration", session.expiresAt().toString());
        cli.out.println(JSON.writeValueAsString(json));
        cli.out.flush();
      }
    }
    return 0;
  }

  private ApprovalChannel openChannel() {
    Map<String, String> config = approvalConfig == null ? Map.of() : readProperties(approvalConfig);
    try {
      return cli.channels.open(approval, config);
    } catch (ApprovalChannelException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("No approval channel named")) {
        throw new CliException("The '" + approval + "' approval channel is not installed. " + e.getMessage()
            + (approval.equals("slack") ? " This leasehold.jar bundles only the console channel; run with the Slack "
                + "channel on the class path: java -cp leasehold.jar:leasehold-approval-slack-<version>-all.jar "
                + "dev.leasehold.cli.Main credential-process ..." : ""), e);
      }
      throw new CliException("The '" + approval + "' approval channel could not start: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> readProperties(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new CliException("Cannot read --approval-config " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> config = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(k -> config.put(k, properties.getProperty(k)));
    return config;
  }

  private Path defaultAuditLog() {
    Path dir = AwsSharedFiles.leaseholdFolder(cli.home);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir.resolve("audit.jsonl");
  }
}
