package dev.leasehold.policy;

import dev.leasehold.catalog.MfaRequirement;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.policy.LintFinding.Severity;
import dev.leasehold.policy.internal.Access;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Flags what the safe-agent rules forbid, before anything is deployed or leased.
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>id</th><th>severity</th><th>rule</th></tr>
 *   <tr><td>{@value #WILDCARD_ACTION}</td><td>ERROR</td><td>no {@code *} or {@code service:*} action, and no
 *       {@code NotAction}, in an Allow: a role grants named actions only</td></tr>
 *   <tr><td>{@value #BROAD_MANAGED_POLICY}</td><td>ERROR</td><td>no AdministratorAccess, PowerUserAccess or
 *       {@code *FullAccess} managed policy on an agent's role</td></tr>
 *   <tr><td>{@value #READ_WRITE_DELETE}</td><td>WARNING</td><td>one role should not read, write and delete:
 *       split it by task</td></tr>
 *   <tr><td>{@value #WRITE_ON_ANY_RESOURCE}</td><td>WARNING</td><td>write or delete actions should name their
 *       resources, not {@code *}</td></tr>
 *   <tr><td>{@value #TRUST_WITHOUT_MFA}</td><td>ERROR</td><td>the trust policy of an {@code mfa: required}
 *       role must require {@code aws:MultiFactorAuthPresent}</td></tr>
 *   <tr><td>{@value #PRINCIPAL_ANYONE}</td><td>ERROR</td><td>no {@code Principal: "*"} in an Allow</td></tr>
 *   <tr><td>{@value #AGENT_USER_WILDCARD}</td><td>ERROR</td><td>the agent user's policy names exact role ARNs,
 *       no wildcard or {@code NotResource}</td></tr>
 *   <tr><td>{@value #ROLE_EXPIRED}</td><td>WARNING</td><td>a role whose {@code notAfter} has passed should be
 *       removed (Leasehold refuses it anyway)</td></tr>
 *   <tr><td>{@value #POLICY_TOO_LARGE}</td><td>ERROR</td><td>a rendered policy must fit AWS's limit</td></tr>
 *   <tr><td>{@value #INTENT_NOT_REQUIRED}</td><td>ADVICE</td><td>a role without {@code requireIntent: true} can be
 *       leased for its whole scope; require an intent unless the role is small enough to hand out whole</td></tr>
 * </table>
 *
 * <p>Actions are classified by AWS's access levels ({@link IamActions}): Read and List read; Write, Permissions
 * management and Tagging write, and a write whose name starts with Delete, Terminate or Remove deletes. A
 * wildcard does what every action it matches does. Linting a catalog lints each
 * role's permissions and managed policies, and the trust and agent-user policies {@link PolicyRenderer}
 * renders from it (when the catalog has an {@code agent.userArn}). Time comes from an injectable
 * {@link Clock}. Immutable and thread-safe.
 */
public final class PolicyLinter {
  /** Rule id: wildcard or NotAction in an Allow. */
  public static final String WILDCARD_ACTION = "wildcard-action";
  /** Rule id: an administrator-level managed policy. */
  public static final String BROAD_MANAGED_POLICY = "broad-managed-policy";
  /** Rule id: read, write and delete in one role. */
  public static final String READ_WRITE_DELETE = "read-write-delete";
  /** Rule id: write or delete on {@code *}. */
  public static final String WRITE_ON_ANY_RESOURCE = "write-on-any-resource";
  /** Rule id: MFA-required role whose trust lacks the MFA condition. */
  public static final String TRUST_WITHOUT_MFA = "trust-without-mfa";
  /** Rule id: a principal of {@code *}. */
  public static final String PRINCIPAL_ANYONE = "principal-anyone";
  /** Rule id: wildcards in the agent user's policy resources. */
  public static final String AGENT_USER_WILDCARD = "agent-user-wildcard-resource";
  /** Rule id: a temporary role past its {@code notAfter}. */
  public static final String ROLE_EXPIRED = "role-expired";
  /** Rule id: a rendered policy over AWS's size limit. */
  public static final String POLICY_TOO_LARGE = "policy-too-large";
  /** Rule id: a role that does not require an intent. */
  public static final String INTENT_NOT_REQUIRED = "intent-not-required";

  private final Clock clock;

  private PolicyLinter(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** A linter on the system clock. */
  public static PolicyLinter create() {
    return new PolicyLinter(Clock.systemUTC());
  }

  /** A linter that reads the time from {@code clock} (for tests). */
  public static PolicyLinter withClock(Clock clock) {
    return new PolicyLinter(clock);
  }

  /** Lints a whole catalog: every role, its rendered trust policy, and the agent user's policy. */
  public List<LintFinding> lint(RoleCatalog catalog) {
    List<LintFinding> out = new ArrayList<>();
    boolean canRender = catalog.agent().userArn() != null;
    for (RoleSpec role : catalog.roles().values()) {
      permissionRules(role.permissions(), role.key(), out);
      managedPolicyRule(role, out);
      role.notAfterIfAny().filter(t -> t.isBefore(clock.instant())).ifPresent(t -> out.add(new LintFinding(
          ROLE_EXPIRED, Severity.WARNING, role.key(), "notAfter " + t + " has passed, so Leasehold refuses this "
              + "temporary role; remove it from the catalog and delete the IAM role.")));
      render(out, role.key(), () -> PolicyRenderer.permissionPolicy(role));
      if (!role.requireIntent()) {
        out.add(new LintFinding(INTENT_NOT_REQUIRED, Severity.ADVICE, role.key(), "The role does not require an "
            + "intent, so an agent may lease its whole scope for a task; add 'requireIntent: true' to narrow every "
            + "lease to the actions the task declares, unless the role is small enough to hand out whole."));
      }
      if (canRender) {
        PolicyDocument trust = render(out, role.key(), () -> PolicyRenderer.trustPolicy(catalog, role));
        if (trust != null) {
          trustRules(trust, role.key(), role.mfa() == MfaRequirement.REQUIRED, out);
        }
      }
    }
    if (canRender) {
      PolicyDocument user = render(out, null, () -> PolicyRenderer.agentUserPolicy(catalog));
      if (user != null) {
        agentUserRule(user, out);
      }
    }
    return out;
  }

  /**
   * Lints one policy as the given kind: permission rules for {@code PERMISSIONS} and {@code SESSION}; the
   * principal and MFA rules for {@code TRUST} (which then must require MFA); the wildcard rules for
   * {@code AGENT_USER}; and the size limit for every kind.
   */
  public List<LintFinding> lint(PolicyDocument document, PolicyKind kind) {
    List<LintFinding> out = new ArrayList<>();
    switch (kind) {
      case TRUST -> trustRules(document, null, true, out);
      case AGENT_USER -> agentUserRule(document, out);
      default -> permissionRules(document.statements(), null, out);
    }
    render(out, null, () -> {
      kind.checkedJson(document, "this document");
      return document;
    });
    return out;
  }

  private static void permissionRules(List<Statement> statements, String role, List<LintFinding> out) {
    Set<String> wildcards = new LinkedHashSet<>();
    Set<String> writesOnAny = new LinkedHashSet<>();
    Set<Access> access = EnumSet.noneOf(Access.class);
    for (Statement s : statements) {
      if (s.effect() != Effect.ALLOW) {
        continue;
      }
      if (!s.notActions().isEmpty()) {
        wildcards.add("NotAction " + s.notActions());
        access.addAll(EnumSet.allOf(Access.class));
      }
      boolean anyResource = s.resources().contains("*") || !s.notResources().isEmpty();
      for (String action : s.actions()) {
        if (action.equals("*") || action.endsWith(":*")) {
          wildcards.add(action);
        }
        Set<Access> a = Access.of(action);
        access.addAll(a);
        if (anyResource && (a.contains(Access.WRITE) || a.contains(Access.DELETE))) {
          writesOnAny.add(action);
        }
      }
    }
    if (!wildcards.isEmpty()) {
      out.add(new LintFinding(WILDCARD_ACTION, Severity.ERROR, role, "Allow grants " + String.join(", ", wildcards)
          + ": every action of a service (or of all services), including ones added later. Name the actions the "
          + "task needs, such as s3:GetObject."));
    }
    if (access.containsAll(EnumSet.allOf(Access.class))) {
      out.add(new LintFinding(READ_WRITE_DELETE, Severity.WARNING, role, "One role reads, writes and deletes, so "
          + "a single approval grants all three. Split it into purpose-scoped roles (for example read-only, and "
          + "write-without-delete)."));
    }
    if (!writesOnAny.isEmpty()) {
      out.add(new LintFinding(WRITE_ON_ANY_RESOURCE, Severity.WARNING, role, "Write or delete actions "
          + writesOnAny + " apply to every resource (\"*\" or NotResource). Name the resource ARNs they need; if "
          + "an action supports no resource-level permissions, keep \"*\" and say so in the role's description."));
    }
  }

  private static void managedPolicyRule(RoleSpec role, List<LintFinding> out) {
    for (String arn : role.managedPolicies()) {
      String name = arn.substring(arn.lastIndexOf('/') + 1);
      if (name.equals("AdministratorAccess") || name.equals("PowerUserAccess") || name.endsWith("FullAccess")) {
        out.add(new LintFinding(BROAD_MANAGED_POLICY, Severity.ERROR, role.key(), "Managed policy " + arn
            + " grants a whole service or account; an agent's role must be purpose-scoped. Detach it and list "
            + "the needed actions in the role's permissions."));
      }
    }
  }

  private static void trustRules(PolicyDocument trust, String role, boolean mfaRequired, List<LintFinding> out) {
    boolean anyone = false;
    boolean assumeWithoutMfa = false;
    for (Statement s : trust.statements()) {
      if (s.effect() != Effect.ALLOW) {
        continue;
      }
      anyone |= s.principal() != null && s.principal().admitsAnyone();
      boolean assumes = s.actions().stream().anyMatch(a -> a.equalsIgnoreCase("sts:AssumeRole") || a.equals("*")
          || a.equalsIgnoreCase("sts:*")) || !s.notActions().isEmpty();
      boolean mfa = s.conditions().stream().anyMatch(c -> c.operator().equals("Bool")
          && c.key().equalsIgnoreCase("aws:MultiFactorAuthPresent") && c.values().equals(List.of("true")));
      assumeWithoutMfa |= assumes && !mfa;
    }
    if (anyone) {
      out.add(new LintFinding(PRINCIPAL_ANYONE, Severity.ERROR, role, "The trust policy allows Principal \"*\": "
          + "any AWS principal may try to assume the role. Name the agent user's ARN as the only principal."));
    }
    if (mfaRequired && assumeWithoutMfa) {
      out.add(new LintFinding(TRUST_WITHOUT_MFA, Severity.ERROR, role, "The trust policy allows sts:AssumeRole "
          + "without MFA, so a leaked agent key assumes the role with no human. Add \"Condition\": {\"Bool\": "
          + "{\"aws:MultiFactorAuthPresent\": \"true\"}}. A role without MFA must trust the broker's identity "
          + "(mfa: none with trustPrincipal: broker), never the agent's."));
    }
  }

  private static void agentUserRule(PolicyDocument policy, List<LintFinding> out) {
    Set<String> wide = new LinkedHashSet<>();
    for (Statement s : policy.statements()) {
      if (s.effect() != Effect.ALLOW) {
        continue;
      }
      s.resources().stream().filter(r -> r.indexOf('*') >= 0 || r.indexOf('?') >= 0).forEach(wide::add);
      if (!s.notResources().isEmpty()) {
        wide.add("NotResource " + s.notResources());
      }
    }
    if (!wide.isEmpty()) {
      out.add(new LintFinding(AGENT_USER_WILDCARD, Severity.ERROR, null, "The agent user's policy allows "
          + String.join(", ", wide) + ", so the agent could assume roles outside its catalog. List each "
          + "catalog role ARN exactly."));
    }
  }

  private static PolicyDocument render(List<LintFinding> out, String role, java.util.function.Supplier<PolicyDocument> renderer) {
    try {
      return renderer.get();
    } catch (PolicyTooLargeException e) {
      out.add(new LintFinding(POLICY_TOO_LARGE, Severity.ERROR, role, e.getMessage()));
      return null;
    }
  }
}
