package dev.leasehold.cli;

import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.approval.Durations;
import dev.leasehold.broker.LeaseBroker;
import dev.leasehold.internal.BrokerClient;
import dev.leasehold.internal.CredentialGuard;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

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
        "With a broker (--broker or $LEASEHOLD_BROKER) the broker asks the human and holds every secret but the "
            + "lease; without one, the approved lease is kept in a private cache (0600, ~/.cache/leasehold/leases) so "
            + "that the SDK's repeated runs within the lease return it without a new prompt.",
        "botocore runs the process again whenever a lease has under 15 minutes left and cannot use one with under "
            + "10 minutes left: give such roles 'duration: 25m' (or --duration 25m) for 15 usable minutes. When a lease "
            + "has under 10 minutes left the command fails saying a new approval is needed; the next run asks again.",
        "The console channel asks on the controlling terminal, not on standard input or output.",
        "Errors: exit 1 with the reason on standard error and nothing on standard output."})
final class CredentialProcessCommand implements Callable<Integer> {
  private final Cli cli;
  @Spec CommandSpec spec;
  @Mixin BrokerTarget target;
  @Mixin FlowOptions flow;

  @Mixin RequestOptions ask;

  CredentialProcessCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException {
    AccessRequest request = ask.toRequest(spec);
    URI url = target.url(cli, spec);
    if (url != null) {
      BrokerClient client = target.client(cli, spec, url);
      BrokerClient.Grant grant = client.request(request, true, false);
      AwsSessionCredentials lease = client.credentials(grant);
      print(json(lease.accessKeyId(), lease.secretAccessKey(), lease.sessionToken(), grant.expiresAt()));
      return 0;
    }
    flow.require(spec);
    CredentialGuard.checkEnvironment(cli.env, new Properties(), false);
    LeaseCache cache = LeaseCache.of(cli);
    Path entry = cache.file(List.of("v1", flow.catalogFile.toAbsolutePath().normalize().toString(),
        String.valueOf(flow.terraformOutput), flow.profile, String.valueOf(flow.region), String.valueOf(flow.stsEndpoint),
        request.role(), request.reason(), String.join(",", request.actions()), String.join(",", request.resources()),
        String.valueOf(request.duration()
            .orElse(null))));
    Instant now = cli.clock.instant();
    Optional<LeaseCache.Cached> cached = cache.read(entry, now);
    if (cached.isPresent()) {
      Instant expires = cached.get().expiration();
      if (Duration.between(now, expires).compareTo(LeaseBroker.DEFAULT_MINIMUM_REMAINING) >= 0) {
        print(cached.get().json());
        return 0;
      }
      cache.remove(entry);
      throw new InvalidRequestException("The approved lease for this task has "
          + Durations.human(Duration.between(now, expires)) + " left (it expires at " + expires + "), under the 10 minutes the AWS CLI and boto3 need. "
          + "Leasehold never renews a lease silently: a new lease needs a new approval. Run the command again to ask "
          + "the human, and give the role 'duration: 25m' so a lease lasts longer for the SDKs.");
    }
    try (FlowOptions.Embedded embedded = flow.start(cli, "credential-process");
         AgentSession session = embedded.factory().open(request)) {
      AwsCredentials credentials = session.exportCredentials(
          "credential-process prints the lease for the AWS SDK or CLI that ran it").resolveCredentials();
      if (!(credentials instanceof AwsSessionCredentials lease)) {
        throw new CliException("The lease holds no session token; refusing to print it.");
      }
      String json = json(lease.accessKeyId(), lease.secretAccessKey(), lease.sessionToken(), session.expiresAt());
      try {
        cache.write(entry, json);
      } catch (IOException e) {
        cli.err.println("leasehold credential-process: could not cache the lease (" + e.getMessage() + "); the next "
            + "run asks again.");
      }
      print(json);
    }
    return 0;
  }

  private static String json(String keyId, String secret, String token, Instant expires) throws IOException {
    return LeaseCache.credentialProcessJson(keyId, secret, token, expires.toString());
  }

  private void print(String json) {
    cli.out.println(json);
    cli.out.flush();
  }
}
