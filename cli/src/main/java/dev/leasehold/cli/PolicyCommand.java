package dev.leasehold.cli;

import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.PolicyRenderer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code leasehold policy ...}: renders the IAM policies a catalog implies. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Render the IAM policies a catalog implies.",
    subcommands = PolicyCommand.Render.class)
final class PolicyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: policy render FILE --kind KIND");
  }

  /** What to render. */
  enum Kind {
    TRUST, PERMISSIONS, AGENT_USER, TERRAFORM;

    String cli() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** {@code leasehold policy render FILE --kind trust|permissions|agent-user|terraform [--role KEY]}. */
  @Command(name = "render", mixinStandardHelpOptions = true,
      description = {"Writes a policy as JSON to standard output:",
          "  trust       the role's trust policy (its trustPrincipal: the agent user, or the broker's identity with "
              + "--principal broker; with MFA unless mfa: none); needs --role",
          "  permissions the role's inline permission policy; needs --role",
          "  agent-user  the agent user's assume-only policy on exactly the catalog's role ARNs",
          "  terraform   a .tf.json file creating the user, the roles and all their policies"})
  static final class Render implements Callable<Integer> {
    private final Cli cli;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The catalog file.")
    Path file;

    @Option(names = "--kind", required = true, paramLabel = "KIND", converter = KindConverter.class,
        description = "trust, permissions, agent-user or terraform.")
    Kind kind;

    @Option(names = "--role", paramLabel = "KEY", description = "The catalog role key (trust and permissions only).")
    String role;

    @Option(names = "--terraform-output", paramLabel = "FILE",
        description = "A 'terraform output -json' file giving role_arns and agent_user_arn.")
    Path terraformOutput;

    @Option(names = "--principal", paramLabel = "WHO",
        description = "trust only: whose identity the trust policy names, agent or broker (default: the role's "
            + "trustPrincipal). broker names the catalog's broker.arn: in the broker layout the agent holds no AWS "
            + "identity, so only the broker can assume the role.")
    String principal;

    Render(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      boolean perRole = kind == Kind.TRUST || kind == Kind.PERMISSIONS;
      if (perRole && role == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--kind " + kind.cli() + " needs --role KEY");
      }
      if (!perRole && role != null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--role applies only to --kind trust and permissions, not " + kind.cli());
      }
      if (principal != null && kind != Kind.TRUST) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--principal applies only to --kind trust");
      }
      if (principal != null && !principal.equals("agent") && !principal.equals("broker")) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--principal must be agent or broker, was '"
            + principal + "'");
      }
      RoleCatalog catalog = AwsSetup.catalog(file, terraformOutput);
      String json = switch (kind) {
        case TRUST -> PolicyRenderer.trustPolicy(catalog, trusted(catalog)).toJson() + "\n";
        case PERMISSIONS -> PolicyRenderer.permissionPolicy(role(catalog)).toJson() + "\n";
        case AGENT_USER -> PolicyRenderer.agentUserPolicy(catalog).toJson() + "\n";
        case TERRAFORM -> PolicyRenderer.terraform(catalog);
      };
      cli.out.print(json);
      if (kind == Kind.PERMISSIONS) {
        cli.err.print(accessSummary(role(catalog)));
      }
      return 0;
    }

    /** The role, naming the principal asked for with --principal. */
    private RoleSpec trusted(RoleCatalog catalog) {
      RoleSpec spec = role(catalog);
      if (principal == null) {
        return spec;
      }
      if (principal.equals("broker") && catalog.broker() == null) {
        throw new CliException("--principal broker names the broker's identity, but the catalog has none: add "
            + "broker: {arn: arn:aws:iam::ACCOUNT:role/NAME} (the identity 'leasehold broker' runs as).");
      }
      if (principal.equals("agent") && spec.mfa() == dev.leasehold.catalog.MfaRequirement.NONE) {
        throw new CliException("Role '" + spec.key() + "' has mfa: none; its trust policy must name the broker, "
            + "never the agent, whose identity the agent can reach in embedded mode.");
      }
      return spec.toBuilder().trustPrincipal(principal.equals("broker") ? dev.leasehold.catalog.TrustPrincipal.BROKER
          : dev.leasehold.catalog.TrustPrincipal.AGENT).build();
    }

    /**
     * What the role's Allow statements let it do, by AWS's access levels, for the reader of the rendered
     * policy (on standard error, so standard output stays the policy alone).
     */
    static String accessSummary(RoleSpec role) {
      java.util.Set<String> writes = new java.util.LinkedHashSet<>();
      java.util.Set<String> reads = new java.util.LinkedHashSet<>();
      for (dev.leasehold.policy.Statement s : role.permissions()) {
        if (s.effect() != dev.leasehold.policy.Effect.ALLOW) {
          continue;
        }
        for (String action : s.actions()) {
          java.util.List<String> matched = dev.leasehold.policy.IamActions.expand(action);
          long writing = matched.stream().filter(dev.leasehold.policy.IamActions::isMutating).count();
          String shown = matched.size() == 1 && matched.get(0).equalsIgnoreCase(action) ? action
              : action + " (" + matched.size() + " actions" + (writing > 0 && writing < matched.size()
                  ? ", " + writing + " of them write" : "") + ")";
          (writing > 0 || matched.isEmpty() ? writes : reads).add(shown);
        }
        if (!s.notActions().isEmpty()) {
          writes.add("NotAction " + s.notActions() + " (every other action)");
        }
      }
      return "# role " + role.key() + ", by AWS's access levels (IAM data " + dev.leasehold.policy.IamActions.sourceVersion()
          + " of " + dev.leasehold.policy.IamActions.sourceDate() + "):\n"
          + "#   WRITES: " + (writes.isEmpty() ? "nothing" : String.join(", ", writes)) + "\n"
          + "#   reads or lists only: " + (reads.isEmpty() ? "nothing" : String.join(", ", reads)) + "\n";
    }

    private RoleSpec role(RoleCatalog catalog) {
      return catalog.role(role).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
          "Unknown role '" + role + "'; the catalog's roles are " + catalog.roleKeys()));
    }
  }

  /** Reads {@code agent-user} as well as {@code AGENT_USER}. */
  static final class KindConverter implements CommandLine.ITypeConverter<Kind> {
    @Override
    public Kind convert(String value) {
      for (Kind k : Kind.values()) {
        if (k.cli().equalsIgnoreCase(value) || k.name().equalsIgnoreCase(value)) {
          return k;
        }
      }
      throw new CommandLine.TypeConversionException("'" + value + "' is not a kind; use trust, permissions, agent-user or terraform");
    }
  }
}
