package dev.leasehold.cli;

import dev.leasehold.AwsSessionFactory;
import dev.leasehold.approval.ApprovalChannel;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.fleet.postgres.HandOffKey;
import dev.leasehold.fleet.postgres.PostgresAuditSink;
import dev.leasehold.fleet.postgres.PostgresFleet;
import dev.leasehold.iam.AwsSharedFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import software.amazon.awssdk.regions.Region;

/**
 * The options that run the request flow in this process (credential-process without a broker, exec without
 * a broker, and the broker itself): catalog, base identity, approval channel, audit trail.
 */
final class FlowOptions {
  @Option(names = "--catalog", paramLabel = "FILE", description = "The catalog file.")
  Path catalogFile;

  @Option(names = "--terraform-output", paramLabel = "FILE",
      description = "A 'terraform output -json' file giving role_arns and agent_user_arn.")
  Path terraformOutput;

  @Option(names = "--profile", paramLabel = "P",
      description = "The profile holding the agent's own identity (allowed only sts:AssumeRole). Required when the "
          + "flow runs in this process, and must not be the profile that runs a credential_process.")
  String profile;

  @Option(names = "--region", paramLabel = "R", description = "The STS region (default: the catalog's defaults.region).")
  String region;

  @Option(names = "--sts-endpoint-url", paramLabel = "URL", description = "Send STS calls to this endpoint.")
  URI stsEndpoint;

  @Option(names = "--audit-log", paramLabel = "FILE", description = "The audit trail (default ~/.leasehold/audit.jsonl).")
  Path auditLog;

  @Option(names = "--approval", paramLabel = "CHANNEL", defaultValue = "console",
      description = "The approval channel by provider name: console (default), slack (needs the "
          + "leasehold-approval-slack jar on the class path), or any installed provider's name.")
  String approval;

  @Option(names = "--approval-config", paramLabel = "FILE",
      description = "The channel's settings as a Java properties file (for slack: its tokens and channel).")
  Path approvalConfig;

  /** What an in-process flow owns; closing it closes the factory, the audit trail, the channel and the fleet. */
  record Embedded(AwsSessionFactory factory, AuditSink sink, ApprovalChannel channel, PostgresFleet fleet)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        factory.close();
      } finally {
        try {
          sink.close();
        } finally {
          try {
            channel.close();
          } finally {
            if (fleet != null) {
              fleet.close();
            }
          }
        }
      }
    }
  }

  /**
   * A broker's membership of a fleet: the connection, the hand-off key shared by the fleet's brokers, and the
   * audit key of the fleet's chain (or null for an unkeyed chain).
   */
  record Fleet(PostgresFleet fleet, HandOffKey handOffKey, AuditKey auditKey) {}

  /** Checks the options of an in-process flow; usage errors name the missing option. */
  void require(CommandSpec spec) {
    if (catalogFile == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--catalog=FILE'");
    }
    if (profile == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--profile=P'");
    }
    AwsSetup.endpoint(spec, stsEndpoint, "--sts-endpoint-url");
    if (!approval.matches("[a-z0-9][a-z0-9-]{0,63}")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--approval must be a channel name such as "
          + "console or slack, was '" + approval + "'");
    }
  }

  /** Starts the flow in this process. */
  Embedded start(Cli cli, String command) {
    return start(cli, command, null);
  }

  /**
   * Starts the flow in this process; with {@code fleet}, its guard rails, task coordination, decision relay and
   * audit chain are the fleet's (in PostgreSQL) instead of this process's. The fleet is closed with the result.
   */
  Embedded start(Cli cli, String command, Fleet fleet) {
    Main.quietCaffeine();
    RoleCatalog catalog;
    ApprovalChannel channel;
    try {
      catalog = AwsSetup.catalog(catalogFile, terraformOutput);
      channel = openChannel(cli, command, fleet);
    } catch (RuntimeException e) {
      if (fleet != null) {
        fleet.fleet().close();
      }
      throw e;
    }
    AuditSink sink = null;
    try {
      if (fleet != null) {
        PostgresAuditSink.Builder fleetSink = PostgresAuditSink.builder(fleet.fleet());
        if (fleet.auditKey() != null) {
          fleetSink.key(fleet.auditKey());
        }
        sink = fleetSink.build();
      } else {
        sink = new JsonLinesAuditSink(auditLog != null ? auditLog : defaultAuditLog(cli));
      }
      AwsSessionFactory.Builder builder = AwsSessionFactory.builder()
          .catalog(catalog)
          .baseCredentials(AwsSetup.profile(cli, profile, null))
          .approvalChannel(channel)
          .auditSink(sink)
          .clock(cli.clock)
          .environment(cli.env);
      if (region != null) {
        builder.region(Region.of(region));
      }
      if (stsEndpoint != null) {
        builder.stsEndpoint(stsEndpoint);
      }
      if (fleet != null) {
        builder.coordination(fleet.fleet().coordination(fleet.handOffKey()));
      }
      return new Embedded(builder.build(), sink, channel, fleet == null ? null : fleet.fleet());
    } catch (RuntimeException e) {
      if (sink != null) {
        sink.close();
      }
      channel.close();
      if (fleet != null) {
        fleet.fleet().close();
      }
      throw e;
    }
  }

  private ApprovalChannel openChannel(Cli cli, String command, Fleet fleet) {
    Map<String, String> config = approvalConfig == null ? Map.of() : readProperties(approvalConfig);
    try {
      return fleet == null ? cli.channels.open(approval, config)
          : cli.channels.open(approval, config, fleet.fleet().decisionRelay());
    } catch (ApprovalChannelException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("No approval channel named")) {
        throw new CliException("The '" + approval + "' approval channel is not installed. " + e.getMessage()
            + (approval.equals("slack") ? " This leasehold.jar bundles only the console channel; run with the Slack "
                + "channel on the class path: java -cp leasehold.jar:leasehold-approval-slack-<version>-all.jar "
                + "dev.leasehold.cli.Main " + command + " ..." : ""), e);
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

  private static Path defaultAuditLog(Cli cli) {
    Path dir = AwsSharedFiles.leaseholdFolder(cli.home);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir.resolve("audit.jsonl");
  }
}
