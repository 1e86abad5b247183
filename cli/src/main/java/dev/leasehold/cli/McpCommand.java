package dev.leasehold.cli;

import dev.leasehold.audit.AuditSink;
import dev.leasehold.audit.JsonLinesAuditSink;
import dev.leasehold.approval.Durations;
import dev.leasehold.iam.AwsSharedFiles;
import dev.leasehold.mcp.LeaseholdMcpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code leasehold mcp}: serves the Leasehold MCP tools over standard input and output, with a running broker
 * ({@code --broker}) or with the flow and a broker in this process ({@code --catalog ...}).
 */
@Command(name = "mcp", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Serves the Model Context Protocol over standard input and output (for a desktop or coding agent's "
        + "MCP client): tools list_aws_roles, request_aws_lease, call_aws and end_aws_lease. A human approves every "
        + "lease on the broker's approval channel, never in the conversation; call_aws runs one AWS CLI command under "
        + "a lease after checking it against the lease's intent, and no credential ever reaches the model.",
        "  leasehold mcp --broker http://127.0.0.1:8512 --token-file ~/.leasehold/client-token --allow-files ~/work",
        "Without --broker (or $LEASEHOLD_BROKER) the flow runs in this process, with a broker on a random loopback "
            + "port for the AWS CLI's credentials: give --catalog, --profile and --approval as for the broker.",
        "Standard output carries MCP messages only; errors go to standard error. See docs/mcp.md."})
final class McpCommand implements Callable<Integer> {
  private final Cli cli;
  @Spec CommandSpec spec;
  @Mixin BrokerTarget target;
  @Mixin FlowOptions flow;

  @Option(names = "--aws-cli", paramLabel = "PATH", defaultValue = "aws",
      description = "The AWS CLI executable (default: aws on the PATH).")
  String awsCli;

  @Option(names = "--aws-endpoint-url", paramLabel = "URL",
      description = "An endpoint for every AWS CLI command (a VPC endpoint, a local stand-in). Chosen by the "
          + "operator; a command that names --endpoint-url itself is refused.")
  URI awsEndpoint;

  @Option(names = "--allow-files", paramLabel = "DIR",
      description = "The one folder commands may read and write files in (file://, fileb://, --body, output files); "
          + "also their working directory. Without it no file argument is allowed.")
  Path allowFiles;

  @Option(names = "--command-timeout", paramLabel = "DURATION", defaultValue = "2m",
      description = "How long one AWS CLI command may run before it is killed (default 2m).")
  String commandTimeout;

  McpCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws Exception {
    LeaseholdMcpServer.Builder builder = LeaseholdMcpServer.builder().awsCli(awsCli).environment(cli.env)
        .clock(cli.clock);
    if (awsEndpoint != null) {
      builder.awsEndpoint(AwsSetup.endpoint(spec, awsEndpoint, "--aws-endpoint-url"));
    }
    if (allowFiles != null) {
      if (!Files.isDirectory(allowFiles)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--allow-files needs an existing folder, was "
            + allowFiles);
      }
      builder.allowFiles(allowFiles);
    }
    try {
      builder.commandTimeout(Durations.parse(commandTimeout).orElse(null));
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--command-timeout must be a duration such as "
          + "90s or 2m, was '" + commandTimeout + "'");
    }
    URI url = target.url(cli, spec);
    if (url != null) {
      Path audit = flow.auditLog != null ? flow.auditLog : defaultAuditLog();
      try (AuditSink sink = new JsonLinesAuditSink(audit)) {
        builder.broker(url, target.token(cli, spec)).auditSink(sink).build().serve(cli.in, cli.out);
      }
      return 0;
    }
    flow.require(spec);
    try (FlowOptions.Embedded embedded = flow.start(cli, "mcp")) {
      builder.sessions(embedded.factory()).auditSink(embedded.sink()).build().serve(cli.in, cli.out);
    }
    return 0;
  }

  private Path defaultAuditLog() {
    Path dir = AwsSharedFiles.leaseholdFolder(cli.home);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir.resolve("mcp-audit.jsonl");
  }
}
