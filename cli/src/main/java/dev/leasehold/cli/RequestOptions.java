package dev.leasehold.cli;

import dev.leasehold.AccessRequest;
import dev.leasehold.approval.Durations;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options that describe one access request (credential-process and exec), and the request they make. */
final class RequestOptions {
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

  @Option(names = "--duration", paramLabel = "D", description = "The lease length, such as 25m (at most the role's).")
  String duration;

  /** The request these options describe; a malformed duration is a usage error. */
  AccessRequest toRequest(CommandSpec spec) {
    AccessRequest.Builder rb = AccessRequest.builder().role(role).reason(reason).intent(intent).resources(resources);
    if (duration != null) {
      rb.duration(Durations.parse(duration).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
          "--duration must be written like 25m, 1500s or PT25M, was '" + duration + "'")));
    }
    return rb.build();
  }
}
