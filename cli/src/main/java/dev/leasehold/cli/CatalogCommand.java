package dev.leasehold.cli;

import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code leasehold catalog ...}: catalog file tools. */
@Command(name = "catalog", mixinStandardHelpOptions = true, description = "Work with a role catalog file.",
    subcommands = CatalogCommand.Validate.class)
final class CatalogCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: catalog validate FILE");
  }

  /** {@code leasehold catalog validate FILE [--terraform-output FILE]}. */
  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = {"Checks a catalog (YAML or JSON) strictly: unknown keys, bad ARNs, durations out of range, "
          + "duplicate keys, malformed statements, missing ARNs.",
          "Also names the roles that do not require an intent (requireIntent: true); that alone does not fail.",
          "Exit 0 when valid; 1 when invalid, with one FILE:LINE:COL: message per problem on standard error."})
  static final class Validate implements Callable<Integer> {
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "FILE", description = "The catalog file (.yaml, .yml or .json).")
    Path file;

    @Option(names = "--terraform-output", paramLabel = "FILE",
        description = "A 'terraform output -json' file giving role_arns and agent_user_arn.")
    Path terraformOutput;

    Validate(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      RoleCatalog catalog = AwsSetup.catalog(file, terraformOutput);
      cli.out.println(file + ": valid: agent " + catalog.agent().name() + ", " + catalog.roles().size() + " roles "
          + catalog.roleKeys());
      List<String> withoutIntent = catalog.roles().values().stream().filter(r -> !r.requireIntent())
          .map(RoleSpec::key).toList();
      cli.out.println(file + ": " + (withoutIntent.isEmpty() ? "every role requires an intent"
          : withoutIntent.size() + (withoutIntent.size() == 1 ? " role does" : " roles do")
              + " not require an intent (add 'requireIntent: true'): " + String.join(", ", withoutIntent)));
      return 0;
    }
  }
}
