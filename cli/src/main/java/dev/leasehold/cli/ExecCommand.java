package dev.leasehold.cli;

import dev.leasehold.AccessRequest;
import dev.leasehold.broker.LeaseBroker;
import dev.leasehold.iam.AwsSharedFiles;
import dev.leasehold.internal.BrokerClient;
import dev.leasehold.internal.CredentialGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code leasehold exec}: asks for a lease (from a broker, or from one started in this process for the
 * duration of the command) and runs a command that reads it through the AWS container-credentials protocol.
 */
@Command(name = "exec", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Asks a human to approve a lease on a catalog role, then runs CMD with "
        + "AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN set (every AWS SDK and the AWS CLI "
        + "read them unmodified) and every other AWS credential variable removed. CMD's exit code becomes ours; the "
        + "lease ends when CMD ends.",
        "  leasehold exec --broker http://127.0.0.1:8512 --token-file ~/.leasehold/client-token --role s3-deploy "
            + "--reason \"upload release 1.4.2 artifacts\" --intent s3:PutObject -- aws s3 cp build.zip s3://bucket/",
        "Without --broker (or $LEASEHOLD_BROKER) the flow runs in this process: give --catalog and --profile as for "
            + "credential-process.",
        "",
        "Lease length and the SDKs (a lease is never renewed without a new approval):",
        "  botocore (AWS CLI, boto3) refreshes credentials with under 15 minutes left and cannot use them with under "
            + "10 minutes left: a 15-minute lease gives it 5 usable minutes. Give the role 'duration: 25m' (or "
            + "--duration 25m, up to the role's) for 15 usable minutes.",
        "  AWS SDK for Java v2 and the JS/Go SDKs use a container lease until about 1 minute before it expires.",
        "  The broker serves the same lease on every refresh, so refreshes never prompt; when a lease has under 10 "
            + "minutes left it answers the SDK's refresh with an error saying a new approval is needed."})
final class ExecCommand implements Callable<Integer> {
  private final Cli cli;
  @Spec CommandSpec spec;
  @Mixin BrokerTarget target;
  @Mixin FlowOptions flow;

  @Mixin RequestOptions ask;

  @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
  List<String> command = new ArrayList<>();

  ExecCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws Exception {
    AccessRequest request = ask.toRequest(spec);
    refuseConfiguredCredentials(AwsSharedFiles.configFile(cli.env, cli.home));
    URI url = target.url(cli, spec);
    if (url != null) {
      return run(target.client(cli, spec, url), request);
    }
    flow.require(spec);
    String token = LeaseBroker.newToken();
    try (FlowOptions.Embedded embedded = flow.start(cli, "exec");
         LeaseBroker broker = LeaseBroker.builder().sessions(embedded.factory()).auditSink(embedded.sink())
             .client("exec", token).clock(cli.clock).threads(4).start()) {
      return run(new BrokerClient(broker.uri(), token, Duration.ofMinutes(65)), request);
    }
  }

  private int run(BrokerClient client, AccessRequest request) throws IOException, InterruptedException {
    BrokerClient.Grant grant = client.request(request);
    try {
      ProcessBuilder pb = new ProcessBuilder(command);
      Map<String, String> env = pb.environment();
      env.clear();
      env.putAll(childEnvironment(cli.env, grant));
      boolean system = cli.out == System.out;
      if (system) {
        pb.inheritIO();
      }
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new CliException("Cannot run " + command.get(0) + ": " + e.getMessage(), e);
      }
      if (system) {
        return process.waitFor();
      }
      process.getOutputStream().close();
      Thread out = pump(process.getInputStream(), cli.out);
      Thread err = pump(process.getErrorStream(), cli.err);
      int code = process.waitFor();
      out.join();
      err.join();
      return code;
    } finally {
      try {
        client.end(grant.id());
      } catch (RuntimeException e) {
        cli.err.println("leasehold exec: could not end lease " + grant.id() + " early (" + e.getMessage()
            + "); it ends at " + grant.expiresAt() + ".");
      }
    }
  }

  /**
   * Refuses, before anyone is asked, when the config file CMD will read gives its default profile credentials
   * of its own: CMD's AWS SDK would use them ahead of the lease, unguarded and unaudited.
   */
  static void refuseConfiguredCredentials(Path config) {
    List<String> found;
    try {
      found = CredentialGuard.profileCredentialSettings(config);
    } catch (RuntimeException e) {
      throw new CliException("Cannot read the AWS config file " + config + " that CMD would read ("
          + e.getMessage() + "); fix it, or point AWS_CONFIG_FILE at one without credentials.", e);
    }
    if (!found.isEmpty()) {
      throw new CliException("The default profile in " + config + " sets " + String.join(", ", found)
          + ", so CMD's AWS SDK would use those credentials instead of the lease. Nothing was asked. Remove "
          + "them from the default profile (keep them in a named profile), or point AWS_CONFIG_FILE at a config "
          + "file without credentials.");
    }
  }

  /**
   * CMD's environment: ours, minus every other way an AWS SDK finds credentials, a profile or the broker
   * token ({@link CredentialGuard#WITHHELD_FROM_CHILD}), plus the lease's endpoint and token.
   */
  static Map<String, String> childEnvironment(Map<String, String> parent, BrokerClient.Grant grant) {
    return CredentialGuard.leaseEnvironment(parent, grant.credentialsUri(), grant.credentialsToken());
  }

  private static Thread pump(InputStream from, OutputStream to) {
    Thread t = new Thread(() -> {
      try (from) {
        from.transferTo(to);
        to.flush();
      } catch (IOException ignored) {
        // the process ended
      }
    }, "leasehold-exec-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
