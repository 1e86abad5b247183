package dev.leasehold.cli;

import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.iam.Revocation;
import dev.leasehold.iam.SessionRevoker;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.iam.IamClient;

/** {@code leasehold revoke}: ends every live session of a role. */
@Command(name = "revoke", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Ends every live session of a catalog role: puts the inline policy AWSRevokeOlderSessions, which "
        + "denies every action to sessions issued before now (DateLessThan aws:TokenIssueTime). Leases approved "
        + "later are not affected. Needs iam:PutRolePolicy. Does not work on service-linked roles.",
        "Exit 0 when the policy is in place; 1 when IAM refused."})
final class RevokeCommand implements Callable<Integer> {
  private final Cli cli;
  @Spec CommandSpec spec;

  @Option(names = "--catalog", required = true, paramLabel = "FILE", description = "The catalog file.")
  Path catalogFile;

  @Option(names = "--role", required = true, paramLabel = "KEY", description = "The catalog role key.")
  String role;

  @Option(names = "--terraform-output", paramLabel = "FILE",
      description = "A 'terraform output -json' file giving role_arns.")
  Path terraformOutput;

  @Option(names = "--profile", paramLabel = "P",
      description = "The AWS profile allowed iam:PutRolePolicy (default: the SDK's default chain).")
  String profile;

  @Option(names = "--region", paramLabel = "R", description = "The IAM region (default aws-global).")
  String region;

  @Option(names = "--iam-endpoint-url", paramLabel = "URL", description = "Send IAM calls to this endpoint.")
  URI iamEndpoint;

  @Option(names = "--credentials-file", hidden = true, paramLabel = "FILE",
      description = "The shared credentials file (default: AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials).")
  Path credentialsFile;

  RevokeCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    AwsSetup.endpoint(spec, iamEndpoint, "--iam-endpoint-url");
    RoleCatalog catalog = AwsSetup.catalog(catalogFile, terraformOutput);
    RoleSpec spec = catalog.role(role).orElseThrow(() -> new CommandLine.ParameterException(this.spec.commandLine(),
        "Unknown role '" + role + "'; the catalog's roles are " + catalog.roleKeys()));
    Revocation done;
    try (IamClient iam = AwsSetup.iam(cli, profile, credentialsFile, region, iamEndpoint)) {
      done = SessionRevoker.builder().iamClient(iam).clock(cli.clock).build().revoke(spec.arn());
    }
    cli.out.println("Revoked every session of role " + role + " (" + done.roleArn() + ") issued before "
        + done.cutoff() + ".");
    cli.out.println("  Put the inline policy " + done.policyName() + " on " + done.roleName()
        + ": it denies every action (*) on every resource (*) when aws:TokenIssueTime is earlier than "
        + done.cutoff() + ".");
    cli.out.println("  Leases approved from now on work as before; running revoke again moves the cutoff. "
        + "Calls already in flight may finish.");
    cli.out.println("  This does not work on service-linked roles, which take no inline policies.");
    return 0;
  }
}
