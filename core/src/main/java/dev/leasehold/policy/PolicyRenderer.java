package dev.leasehold.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.leasehold.catalog.MfaRequirement;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.catalog.TrustPrincipal;
import dev.leasehold.catalog.internal.Arns;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the IAM policies a catalog implies, so what is deployed matches what Leasehold enforces.
 *
 * <ul>
 *   <li>{@link #trustPolicy}: only the agent user (or, for {@code trustPrincipal: broker}, the broker's
 *       identity) may assume the role ({@code sts:AssumeRole}, plus {@code sts:SetSourceIdentity} and
 *       {@code sts:TagSession} so every lease carries who and why), and only with MFA
 *       ({@code Bool aws:MultiFactorAuthPresent "true"}) unless the role says {@code mfa: none};
 *       with {@code StringEquals sts:ExternalId} when the role sets one.
 *   <li>{@link #permissionPolicy}: the role's catalog permissions, as its inline policy.
 *   <li>{@link #agentUserPolicy}: the agent user may assume exactly the catalog's role ARNs, nothing else
 *       and no wildcards.
 *   <li>{@link #terraform}: a {@code .tf.json} document creating the user, the roles
 *       ({@code max_session_duration} 3600), their trust and inline policies and the user's inline policy,
 *       with outputs shaped like the {@code terraform output -json} that {@link RoleCatalog#load(java.nio.file.Path,
 *       java.nio.file.Path)} reads.
 * </ul>
 * Every policy is checked against its {@link PolicyKind} size limit and raises
 * {@link PolicyTooLargeException} when AWS would refuse it. Stateless and thread-safe.
 */
public final class PolicyRenderer {
  /** The actions a trust policy grants the agent user. */
  public static final List<String> TRUST_ACTIONS = List.of("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession");
  /** IAM's lowest ceiling for a role's sessions; Leasehold's leases are shorter still. */
  public static final int MAX_SESSION_DURATION_SECONDS = 3600;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PolicyRenderer() {}

  /**
   * The trust policy of {@code role}: its one principal is the agent user, or the broker's identity for a
   * role with {@code trustPrincipal: broker}.
   *
   * @throws IllegalArgumentException when the catalog has no {@code agent.userArn} (or, for a broker role,
   *     no {@code broker.arn})
   * @throws PolicyTooLargeException above 2,048 characters
   */
  public static PolicyDocument trustPolicy(RoleCatalog catalog, RoleSpec role) {
    boolean broker = role.trustPrincipal() == TrustPrincipal.BROKER;
    if (broker && catalog.broker() == null) {
      throw new IllegalArgumentException("Role '" + role.key() + "' trusts the broker, but the catalog has no broker.arn");
    }
    Statement.Builder s = Statement.allow(TRUST_ACTIONS.toArray(String[]::new))
        .sid(broker ? "LeaseholdBrokerAssume" : "LeaseholdAgentAssume")
        .principal(Principal.aws(broker ? catalog.broker().arn() : userArn(catalog)));
    if (role.mfa() == MfaRequirement.REQUIRED) {
      s.condition("Bool", "aws:MultiFactorAuthPresent", "true");
    }
    role.externalIdIfAny().ifPresent(id -> s.condition("StringEquals", "sts:ExternalId", id));
    return checked(PolicyDocument.of(s.build()), PolicyKind.TRUST, "role " + role.key());
  }

  /**
   * The inline permission policy of {@code role}: its catalog permissions.
   *
   * @throws PolicyTooLargeException above 10,240 characters
   */
  public static PolicyDocument permissionPolicy(RoleSpec role) {
    return checked(PolicyDocument.of(role.permissions()), PolicyKind.PERMISSIONS, "role " + role.key());
  }

  /**
   * The agent user's inline policy: {@code sts:AssumeRole} (with source identity and session tags) on
   * exactly the catalog's role ARNs.
   *
   * @throws PolicyTooLargeException above 2,048 characters
   */
  public static PolicyDocument agentUserPolicy(RoleCatalog catalog) {
    List<String> arns = catalog.roles().values().stream().map(RoleSpec::arn).toList();
    Statement s = Statement.allow(TRUST_ACTIONS.toArray(String[]::new)).sid("LeaseholdAssumeCatalogRoles")
        .resources(arns).build();
    return checked(PolicyDocument.of(s), PolicyKind.AGENT_USER, "agent " + catalog.agent().name());
  }

  /**
   * A Terraform JSON ({@code .tf.json}) document creating the agent user, its inline assume-only policy,
   * and each role with its trust policy and inline permission policy. Names and paths come from the
   * catalog's ARNs, so applying it creates exactly the ARNs the catalog names (in the account Terraform
   * runs in). Template openers in policies (dollar-brace, percent-brace) are doubled so Terraform does not
   * interpolate IAM policy variables such as {@code ${aws:username}}.
   *
   * @throws IllegalArgumentException when the catalog has no {@code agent.userArn}
   * @throws PolicyTooLargeException when any policy is too large
   */
  public static String terraform(RoleCatalog catalog) {
    String userArn = userArn(catalog);
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("aws_iam_user", Map.of("agent", ordered(
        "name", Arns.name(userArn),
        "path", Arns.path(userArn),
        "tags", Map.of("leasehold-agent", catalog.agent().name()))));
    resource.put("aws_iam_user_policy", Map.of("agent_assume_only", ordered(
        "name", "leasehold-assume-only",
        "user", "${aws_iam_user.agent.name}",
        "policy", escape(agentUserPolicy(catalog).toJson()))));
    Map<String, Object> roles = new LinkedHashMap<>();
    Map<String, Object> rolePolicies = new LinkedHashMap<>();
    Map<String, Object> roleArnOutputs = new LinkedHashMap<>();
    for (RoleSpec role : catalog.roles().values()) {
      roles.put(role.key(), ordered(
          "name", Arns.name(role.arn()),
          "path", Arns.path(role.arn()),
          "description", escape(role.description()),
          "max_session_duration", MAX_SESSION_DURATION_SECONDS,
          "assume_role_policy", escape(trustPolicy(catalog, role).toJson()),
          "tags", ordered("leasehold-role", role.key(), "environment", role.environment())));
      rolePolicies.put(role.key(), ordered(
          "name", "leasehold-permissions",
          "role", "${aws_iam_role." + role.key() + ".id}",
          "policy", escape(permissionPolicy(role).toJson())));
      roleArnOutputs.put(role.key(), "${aws_iam_role." + role.key() + ".arn}");
    }
    resource.put("aws_iam_role", roles);
    resource.put("aws_iam_role_policy", rolePolicies);
    Map<String, Object> output = ordered(
        "agent_user_arn", Map.of("value", "${aws_iam_user.agent.arn}"),
        "role_arns", Map.of("value", roleArnOutputs));
    try {
      return JSON.writeValueAsString(ordered("resource", resource, "output", output)) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PolicyDocument checked(PolicyDocument document, PolicyKind kind, String subject) {
    kind.checkedJson(document, subject);
    return document;
  }

  private static String userArn(RoleCatalog catalog) {
    String arn = catalog.agent().userArn();
    if (arn == null) {
      throw new IllegalArgumentException("The catalog has no agent.userArn, which trust policies name as the only "
          + "principal; add it to the catalog, or load the catalog with its terraform output (agent_user_arn).");
    }
    return arn;
  }

  /** Terraform reads {@code ${...}} and {@code %{...}} in strings as templates; IAM policy variables must not be. */
  private static String escape(String s) {
    return s.replace("${", "$${").replace("%{", "%%{");
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
