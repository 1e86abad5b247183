package dev.leasehold.cli;

import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.iam.AccountVerifier;
import dev.leasehold.iam.Check;
import dev.leasehold.iam.LocalVerifier;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.iam.IamClient;

/** {@code leasehold verify}: the pre-deploy checklist against a live account. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The pre-deploy checklist, live, through the IAM API with an administrator's read access:",
        "  the agent user exists, is in no group, and holds exactly one policy allowing only sts:AssumeRole",
        "    (+ SetSourceIdentity, TagSession) on exactly the catalog's role ARNs, without wildcards;",
        "  every role exists, has MaxSessionDuration 3600, a trust policy admitting only the agent user and",
        "    requiring MFA (unless mfa: none), no Admin/PowerUser/*FullAccess or undeclared managed policy,",
        "    and inline permissions equal to the catalog's (drift shown as a diff);",
        "  this machine holds no AWS credential variables and no keys for other profiles.",
        "Prints PASS or FAIL with the reason per check, then a summary. Exit 0 only when all pass; 1 otherwise."})
final class VerifyCommand implements Callable<Integer> {
  private final Cli cli;
  @Spec CommandSpec spec;

  @Option(names = "--catalog", required = true, paramLabel = "FILE", description = "The catalog file.")
  Path catalogFile;

  @Option(names = "--terraform-output", paramLabel = "FILE",
      description = "A 'terraform output -json' file giving role_arns and agent_user_arn.")
  Path terraformOutput;

  @Option(names = "--profile", paramLabel = "P",
      description = "The AWS profile with IAM read access (default: the SDK's default chain).")
  String profile;

  @Option(names = "--region", paramLabel = "R", description = "The IAM region (default aws-global).")
  String region;

  @Option(names = "--iam-endpoint-url", paramLabel = "URL", description = "Send IAM calls to this endpoint.")
  URI iamEndpoint;

  @Option(names = "--agent-profile", paramLabel = "P",
      description = "The profile that holds the agent's own keys on this machine (default: the catalog's agent name).")
  String agentProfile;

  @Option(names = "--skip-local", description = "Skip the checks of this machine (when verify runs on an operator's "
      + "machine rather than the agent's host).")
  boolean skipLocal;

  @Option(names = "--credentials-file", hidden = true, paramLabel = "FILE",
      description = "The shared credentials file (default: AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials).")
  Path credentialsFile;

  VerifyCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    AwsSetup.endpoint(spec, iamEndpoint, "--iam-endpoint-url");
    RoleCatalog catalog = AwsSetup.catalog(catalogFile, terraformOutput);
    List<Check> checks = new ArrayList<>();
    try (IamClient iam = AwsSetup.iam(cli, profile, credentialsFile, region, iamEndpoint)) {
      checks.addAll(AccountVerifier.builder().catalog(catalog).iamClient(iam).build().verify());
    }
    if (!skipLocal) {
      checks.addAll(LocalVerifier.verify(cli.env, AwsSetup.credentialsFile(cli, credentialsFile),
          agentProfile != null ? agentProfile : catalog.agent().name()));
    }
    long failed = checks.stream().filter(c -> !c.passed()).count();
    for (Check check : checks) {
      cli.out.println(check.toString().replace("\n", "\n    "));
    }
    cli.out.println();
    cli.out.println(checks.size() + " checks: " + (checks.size() - failed) + " passed, " + failed + " failed"
        + (skipLocal ? " (local checks skipped)" : "") + (failed == 0
            ? ". The account matches the catalog." : ". Fix the failures before pointing the agent at this account."));
    return failed == 0 ? 0 : LeaseholdCommand.FAILED;
  }
}
