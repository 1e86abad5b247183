package dev.leasehold.iam;

import dev.leasehold.catalog.MfaRequirement;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.catalog.TrustPrincipal;
import dev.leasehold.catalog.internal.Arns;
import dev.leasehold.iam.internal.IamDocuments;
import dev.leasehold.iam.internal.StatementAtoms;
import dev.leasehold.policy.Effect;
import dev.leasehold.policy.EvaluationRequest;
import dev.leasehold.policy.EvaluationResult;
import dev.leasehold.policy.PolicyDocument;
import dev.leasehold.policy.PolicyEvaluator;
import dev.leasehold.policy.PolicyParseException;
import dev.leasehold.policy.PolicyRenderer;
import dev.leasehold.policy.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.User;

/**
 * The pre-deploy checklist, run against a live account through the IAM API: is the account set up so
 * that the catalog is the whole of what the agent can reach?
 *
 * <ul>
 *   <li><b>agent user</b>: exists at the catalog's {@code agent.userArn}, belongs to no group, holds
 *       exactly one policy (inline or attached), and that policy allows only {@code sts:AssumeRole} (with
 *       {@code sts:SetSourceIdentity} and {@code sts:TagSession}) on exactly the catalog's role ARNs, with
 *       no wildcard;
 *   <li><b>each role</b>: exists at its catalog ARN; has {@code MaxSessionDuration} 3600; a trust policy
 *       that lets the agent user (the broker's identity for {@code trustPrincipal: broker}), and nobody
 *       else, assume it, and only with MFA (unless {@code mfa: none}, which fails unless the role trusts the
 *       broker) and its ExternalId when one is set; no AdministratorAccess, PowerUserAccess or {@code *FullAccess}
 *       managed policy and no managed policy the catalog does not declare; inline permissions that grant
 *       exactly the catalog's (drift is shown as a diff, one statement atom per line; an
 *       {@value SessionRevoker#POLICY_NAME} policy left by {@link SessionRevoker} is not drift).
 * </ul>
 *
 * <p>Needs read access to IAM ({@code iam:GetUser}, {@code iam:ListGroupsForUser},
 * {@code iam:ListUserPolicies}, {@code iam:GetUserPolicy}, {@code iam:ListAttachedUserPolicies},
 * {@code iam:GetPolicy}, {@code iam:GetPolicyVersion}, {@code iam:GetRole}, {@code iam:ListRolePolicies},
 * {@code iam:GetRolePolicy}, {@code iam:ListAttachedRolePolicies}); list calls follow
 * {@code Marker}/{@code IsTruncated} to the end. An IAM error on one check fails that check with the
 * service's message; a client-side failure (no network, no credentials) is thrown.
 *
 * <pre>{@code
 * try (IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).build()) {
 *   List<Check> checks = AccountVerifier.builder().catalog(catalog).iamClient(iam).build().verify();
 * }
 * }</pre>
 *
 * <p>Thread-safe if its {@code IamClient} is; it never closes the client.
 */
public final class AccountVerifier {
  /** The actions a trust or agent-user policy may grant, in lower case. */
  private static final Set<String> TRUST_ACTIONS = PolicyRenderer.TRUST_ACTIONS.stream()
      .map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

  private final RoleCatalog catalog;
  private final IamClient iam;

  private AccountVerifier(Builder b) {
    this.catalog = b.catalog;
    this.iam = b.iam;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs every check, in a fixed order: the agent user's, then each role's in catalog order.
   *
   * @return one {@link Check} per item; all passed means the account is ready
   * @throws software.amazon.awssdk.core.exception.SdkClientException when IAM cannot be reached at all
   */
  public List<Check> verify() {
    List<Check> checks = new ArrayList<>();
    verifyAgentUser(checks);
    for (RoleSpec role : catalog.roles().values()) {
      verifyRole(role, checks);
    }
    return List.copyOf(checks);
  }

  // ---------------------------------------------------------------------------------------------- agent

  private void verifyAgentUser(List<Check> checks) {
    String exists = "agent user exists";
    String userArn = catalog.agent().userArn();
    if (userArn == null) {
      checks.add(Check.fail(exists, "the catalog has no agent.userArn; add it (or pass the terraform output) "
          + "so the agent user can be checked"));
      return;
    }
    String name = Arns.name(userArn);
    User user;
    try {
      user = iam.getUser(r -> r.userName(name)).user();
    } catch (NoSuchEntityException e) {
      checks.add(Check.fail(exists, "missing user: IAM has no user named '" + name + "' (" + userArn + ")"));
      return;
    } catch (IamException e) {
      checks.add(Check.fail(exists, refused(e)));
      return;
    }
    if (!userArn.equals(user.arn())) {
      checks.add(Check.fail(exists, "IAM's user '" + name + "' is " + user.arn() + ", the catalog says " + userArn
          + "; fix the path or account in the catalog"));
      return;
    }
    checks.add(Check.pass(exists, userArn));

    String groupsCheck = "agent user groups";
    try {
      List<String> groups = new ArrayList<>();
      iam.listGroupsForUserPaginator(r -> r.userName(name)).groups().forEach(g -> groups.add(g.groupName()));
      checks.add(groups.isEmpty()
          ? Check.pass(groupsCheck, "member of no group")
          : Check.fail(groupsCheck, "member of " + groups + "; group policies give the agent permissions beyond "
              + "assume-only: remove the user from every group"));
    } catch (IamException e) {
      checks.add(Check.fail(groupsCheck, refused(e)));
    }

    String countCheck = "agent user policies";
    String onlyCheck = "agent user assume-only";
    List<String> inline = new ArrayList<>();
    List<AttachedPolicy> attached = new ArrayList<>();
    try {
      iam.listUserPoliciesPaginator(r -> r.userName(name)).policyNames().forEach(inline::add);
      iam.listAttachedUserPoliciesPaginator(r -> r.userName(name)).attachedPolicies().forEach(attached::add);
    } catch (IamException e) {
      checks.add(Check.fail(countCheck, refused(e)));
      checks.add(Check.fail(onlyCheck, "not checked: the user's policies could not be listed"));
      return;
    }
    int count = inline.size() + attached.size();
    String listing = describe(inline, attached);
    checks.add(count == 1
        ? Check.pass(countCheck, "exactly one: " + listing)
        : Check.fail(countCheck, count + " policies (" + listing + "); the agent user must hold exactly one, "
            + "the assume-only policy from 'leasehold policy render --kind agent-user'"));

    Map<String, PolicyDocument> documents = new LinkedHashMap<>();
    try {
      for (String policy : inline) {
        documents.put("inline policy " + policy,
            IamDocuments.parse(iam.getUserPolicy(r -> r.userName(name).policyName(policy)).policyDocument()));
      }
      for (AttachedPolicy policy : attached) {
        documents.put("managed policy " + policy.policyArn(), managedDocument(policy.policyArn()));
      }
    } catch (IamException e) {
      checks.add(Check.fail(onlyCheck, refused(e)));
      return;
    } catch (PolicyParseException e) {
      checks.add(Check.fail(onlyCheck, "a policy could not be read: " + e.getMessage()));
      return;
    }
    checks.add(assumeOnly(onlyCheck, documents));
  }

  private Check assumeOnly(String name, Map<String, PolicyDocument> documents) {
    if (documents.isEmpty()) {
      return Check.fail(name, "the agent user has no policy, so it cannot assume any catalog role; attach the "
          + "policy from 'leasehold policy render --kind agent-user'");
    }
    Set<String> catalogArns = new LinkedHashSet<>();
    catalog.roles().values().forEach(r -> catalogArns.add(r.arn()));
    Set<String> assumable = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, PolicyDocument> entry : documents.entrySet()) {
      String where = entry.getKey();
      for (Statement s : entry.getValue().statements()) {
        if (s.effect() == Effect.DENY) {
          continue; // a deny only narrows
        }
        if (!s.notActions().isEmpty()) {
          problems.add(where + " allows NotAction " + s.notActions() + ", which grants every other action");
        }
        if (!s.notResources().isEmpty()) {
          problems.add(where + " allows on NotResource " + s.notResources() + ", which means every other resource");
        }
        boolean assumes = false;
        for (String action : s.actions()) {
          String lower = action.toLowerCase(Locale.ROOT);
          if (lower.contains("*") || lower.contains("?")) {
            problems.add(where + " allows wildcard action " + action);
          } else if (!TRUST_ACTIONS.contains(lower)) {
            problems.add(where + " allows " + action + ", which is not assume-only");
          }
          assumes |= lower.equals("sts:assumerole") || lower.contains("*") || lower.contains("?");
        }
        for (String resource : s.resources()) {
          if (resource.contains("*") || resource.contains("?")) {
            problems.add(where + " allows wildcard resource " + resource);
          } else if (!catalogArns.contains(resource)) {
            problems.add(where + " allows " + resource + ", which is not a catalog role");
          } else if (assumes) {
            assumable.add(resource);
          }
        }
      }
    }
    List<String> missing = catalogArns.stream().filter(a -> !assumable.contains(a)).toList();
    if (!missing.isEmpty()) {
      problems.add("the catalog roles " + missing + " are not assumable");
    }
    if (problems.isEmpty()) {
      return Check.pass(name, "only sts:AssumeRole (with SetSourceIdentity, TagSession) on exactly the "
          + catalogArns.size() + " catalog role ARNs");
    }
    return Check.fail(name, String.join("; ", problems)
        + "; replace it with the policy from 'leasehold policy render --kind agent-user'");
  }

  private PolicyDocument managedDocument(String policyArn) {
    String version = iam.getPolicy(r -> r.policyArn(policyArn)).policy().defaultVersionId();
    return IamDocuments.parse(iam.getPolicyVersion(r -> r.policyArn(policyArn).versionId(version))
        .policyVersion().document());
  }

  // ---------------------------------------------------------------------------------------------- roles

  private void verifyRole(RoleSpec spec, List<Check> checks) {
    String prefix = "role " + spec.key() + " ";
    String roleName = Arns.name(spec.arn());
    Role role;
    try {
      role = iam.getRole(r -> r.roleName(roleName)).role();
    } catch (NoSuchEntityException e) {
      checks.add(Check.fail(prefix + "exists", "missing role: IAM has no role named '" + roleName + "' ("
          + spec.arn() + "); create it from 'leasehold policy render --kind terraform' or fix the catalog"));
      return;
    } catch (IamException e) {
      checks.add(Check.fail(prefix + "exists", refused(e)));
      return;
    }
    if (!spec.arn().equals(role.arn())) {
      checks.add(Check.fail(prefix + "exists", "IAM's role '" + roleName + "' is " + role.arn()
          + ", the catalog says " + spec.arn()));
      return;
    }
    checks.add(Check.pass(prefix + "exists", spec.arn()));
    checks.add(maxSessionDuration(prefix + "max session duration", role));
    checks.add(trust(prefix + "trust policy", spec, role));
    checks.add(managedPolicies(prefix + "managed policies", spec, roleName));
    checks.add(permissions(prefix + "permissions", spec, roleName));
    checks.add(intent(prefix + "intent", spec));
  }

  /**
   * Whether requests must declare an intent. Advice, not a failure (as in the linter): a small read-only
   * role may be fine to hand out whole, but the check names every role that allows it.
   */
  private static Check intent(String name, RoleSpec spec) {
    return Check.pass(name, spec.requireIntent()
        ? "requests must declare an intent (requireIntent: true)"
        : "does not require an intent: a request without one gets the whole role; add 'requireIntent: true' "
            + "to refuse such requests before anyone is asked");
  }

  private static Check maxSessionDuration(String name, Role role) {
    Integer seconds = role.maxSessionDuration();
    int expected = PolicyRenderer.MAX_SESSION_DURATION_SECONDS;
    if (seconds != null && seconds == expected) {
      return Check.pass(name, expected + " s");
    }
    return Check.fail(name, "MaxSessionDuration is " + seconds + " s; set it to " + expected
        + " s (IAM's lowest) so no session of this role can be stretched beyond an hour");
  }

  private Check trust(String name, RoleSpec spec, Role role) {
    boolean broker = spec.trustPrincipal() == TrustPrincipal.BROKER;
    String agentUser = catalog.agent().userArn();
    // the one principal the trust policy must admit: the agent user, or the broker's identity
    String agent = broker ? (catalog.broker() == null ? null : catalog.broker().arn()) : agentUser;
    if (agent == null) {
      return Check.fail(name, "not checked: the catalog has no " + (broker ? "broker.arn" : "agent.userArn"));
    }
    if (spec.mfa() == MfaRequirement.NONE && !broker) {
      return Check.fail(name, "mfa: none with the agent as trust principal: the agent could assume it with no human; "
          + "require MFA, or trust the broker (trustPrincipal: broker)");
    }
    PolicyEvaluator trust;
    try {
      trust = PolicyEvaluator.of(IamDocuments.parse(role.assumeRolePolicyDocument()));
    } catch (PolicyParseException e) {
      return Check.fail(name, "the trust policy could not be read: " + e.getMessage());
    }
    boolean mfa = spec.mfa() == MfaRequirement.REQUIRED;
    String externalId = spec.externalIdIfAny().orElse(null);
    List<String> problems = new ArrayList<>();
    EvaluationResult agentWithMfa = assume(trust, spec, agent, Boolean.TRUE, externalId);
    if (agentWithMfa != EvaluationResult.ALLOW) {
      problems.add((broker ? "the broker " : "the agent user ") + agent + " cannot assume it ("
          + describe(agentWithMfa) + ")");
    }
    if (mfa) {
      EvaluationResult without = assume(trust, spec, agent, Boolean.FALSE, externalId);
      EvaluationResult absent = assume(trust, spec, agent, null, externalId);
      if (without != EvaluationResult.IMPLICIT_DENY && without != EvaluationResult.EXPLICIT_DENY
          || absent != EvaluationResult.IMPLICIT_DENY && absent != EvaluationResult.EXPLICIT_DENY) {
        problems.add("it does not require MFA: add the condition Bool aws:MultiFactorAuthPresent \"true\"");
      }
    }
    if (externalId != null && assume(trust, spec, agent, Boolean.TRUE, null).isAllowed()) {
      problems.add("it does not require the ExternalId the catalog sets");
    }
    String account = Arns.account(spec.arn());
    List<String> others = new ArrayList<>(List.of("arn:aws:iam::" + account + ":user/leasehold-verify-someone-else",
        "arn:aws:iam::" + ("000000000000".equals(account) ? "111111111111" : "000000000000") + ":root"));
    if (broker && agentUser != null) {
      others.add(0, agentUser);
    }
    for (String other : others) {
      EvaluationResult r = assume(trust, spec, other, Boolean.TRUE, externalId);
      if (r != EvaluationResult.IMPLICIT_DENY && r != EvaluationResult.EXPLICIT_DENY) {
        problems.add("principals other than " + (broker ? "the broker" : "the agent user")
            + " may assume it (for example " + other + ")");
        break;
      }
    }
    if (problems.isEmpty()) {
      return Check.pass(name, "only " + agent + " may assume it" + (mfa ? ", with MFA" : broker
          ? " (mfa: none; the broker's identity)" : " (mfa: none)")
          + (externalId != null ? " and the ExternalId" : ""));
    }
    return Check.fail(name, String.join("; ", problems)
        + "; use the trust policy from 'leasehold policy render --kind trust --role " + spec.key() + "'");
  }

  private static EvaluationResult assume(PolicyEvaluator trust, RoleSpec spec, String principal, Boolean mfa,
      String externalId) {
    EvaluationRequest.Builder request = EvaluationRequest.builder("sts:AssumeRole", spec.arn()).principal(principal);
    if (mfa != null) {
      request.context("aws:MultiFactorAuthPresent", mfa.toString());
    }
    if (externalId != null) {
      request.context("sts:ExternalId", externalId);
    }
    return trust.evaluate(request.build());
  }

  private static String describe(EvaluationResult result) {
    return switch (result) {
      case ALLOW -> "allowed";
      case EXPLICIT_DENY -> "explicitly denied";
      case IMPLICIT_DENY -> "no statement allows it";
      case UNKNOWN -> "a condition Leasehold cannot evaluate";
    };
  }

  private Check managedPolicies(String name, RoleSpec spec, String roleName) {
    List<AttachedPolicy> attached = new ArrayList<>();
    try {
      iam.listAttachedRolePoliciesPaginator(r -> r.roleName(roleName)).attachedPolicies().forEach(attached::add);
    } catch (IamException e) {
      return Check.fail(name, refused(e));
    }
    List<String> problems = new ArrayList<>();
    Set<String> declared = new LinkedHashSet<>(spec.managedPolicies());
    for (AttachedPolicy p : attached) {
      if (isBroad(p.policyName())) {
        problems.add(p.policyName() + " is attached: an agent role must never hold administrator, power-user or "
            + "full-access policies; detach it");
      } else if (!declared.contains(p.policyArn())) {
        problems.add(p.policyArn() + " is attached but not declared in the catalog");
      }
    }
    Set<String> attachedArns = attached.stream().map(AttachedPolicy::policyArn).collect(Collectors.toSet());
    for (String arn : declared) {
      if (!attachedArns.contains(arn)) {
        problems.add(arn + " is declared in the catalog but not attached");
      }
    }
    if (problems.isEmpty()) {
      return Check.pass(name, attached.isEmpty() ? "none attached"
          : attached.stream().map(AttachedPolicy::policyName).toList() + ", as the catalog declares");
    }
    return Check.fail(name, String.join("; ", problems));
  }

  static boolean isBroad(String policyName) {
    return policyName.startsWith("AdministratorAccess") || policyName.equals("PowerUserAccess")
        || policyName.endsWith("FullAccess");
  }

  private Check permissions(String name, RoleSpec spec, String roleName) {
    List<Statement> statements = new ArrayList<>();
    boolean revocation = false;
    try {
      List<String> names = new ArrayList<>();
      iam.listRolePoliciesPaginator(r -> r.roleName(roleName)).policyNames().forEach(names::add);
      for (String policy : names) {
        if (policy.equals(SessionRevoker.POLICY_NAME)) {
          revocation = true;
          continue;
        }
        statements.addAll(IamDocuments.parse(
            iam.getRolePolicy(r -> r.roleName(roleName).policyName(policy)).policyDocument()).statements());
      }
    } catch (IamException e) {
      return Check.fail(name, refused(e));
    } catch (PolicyParseException e) {
      return Check.fail(name, "an inline policy could not be read: " + e.getMessage());
    }
    String note = revocation ? " (" + SessionRevoker.POLICY_NAME + " from an earlier revocation ignored)" : "";
    List<String> diff = StatementAtoms.diff(spec.permissions(), statements);
    if (diff.isEmpty()) {
      return Check.pass(name, "inline permissions equal the catalog's" + note);
    }
    return Check.fail(name, "inline permissions differ from the catalog (- only in the catalog, + only in IAM)"
        + note + ":\n" + diff.stream().map(l -> "  " + l).collect(Collectors.joining("\n")));
  }

  // ---------------------------------------------------------------------------------------------- util

  private static String describe(List<String> inline, List<AttachedPolicy> attached) {
    List<String> parts = new ArrayList<>();
    inline.forEach(p -> parts.add("inline " + p));
    attached.forEach(p -> parts.add("attached " + p.policyArn()));
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  private static String refused(IamException e) {
    String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
    String message = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
    return "IAM refused the call (" + code + ": " + message + "); the profile needs IAM read access";
  }

  /** Configures an {@link AccountVerifier}. Both settings are required. Not thread-safe. */
  public static final class Builder {
    private RoleCatalog catalog;
    private IamClient iam;

    private Builder() {}

    /** The catalog the account must match. */
    public Builder catalog(RoleCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog == null");
      return this;
    }

    /** The IAM client, with an administrator's read access; the verifier does not close it. */
    public Builder iamClient(IamClient iam) {
      this.iam = Objects.requireNonNull(iam, "iam == null");
      return this;
    }

    /**
     * Builds the verifier.
     *
     * @throws IllegalStateException when the catalog or the client is missing
     */
    public AccountVerifier build() {
      if (catalog == null) {
        throw new IllegalStateException("catalog is required: catalog(RoleCatalog.load(path))");
      }
      if (iam == null) {
        throw new IllegalStateException("iamClient is required: an IamClient with IAM read access");
      }
      return new AccountVerifier(this);
    }
  }
}
