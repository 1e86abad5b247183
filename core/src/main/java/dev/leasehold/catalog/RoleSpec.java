package dev.leasehold.catalog;

import dev.leasehold.catalog.internal.CompiledRoles;
import dev.leasehold.policy.EvaluationRequest;
import dev.leasehold.policy.EvaluationResult;
import dev.leasehold.policy.PolicyEvaluator;
import dev.leasehold.policy.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One purpose-scoped role an agent may ask to assume.
 *
 * <p>The rules: {@link #permissions()} mirror the role's IAM permission policy, and every intent an agent
 * declares must be allowed by them; a role whose {@link #notAfter()} has passed is refused; a role in
 * the {@code prod} environment makes the approver type its key.
 *
 * <p>{@link #allows(String, String)} and {@link #allowsIntent(List, List)} answer from the permissions with
 * Leasehold's local {@link PolicyEvaluator}, compiled once per role instance (held in a weak identity cache, so
 * no recompilation per call).
 *
 * <p>Immutable and thread-safe.
 *
 * @param key the catalog key, such as {@code s3-deploy}
 * @param arn the role's ARN
 * @param description what the role is for, shown to approvers
 * @param environment such as {@code dev}, {@code staging} or {@code prod}
 * @param mfa whether the approver must type an MFA code
 * @param externalId the ExternalId the trust policy expects, or null
 * @param notAfter the instant after which the role is refused (a temporary role), or null
 * @param duration the lease length for this role, or null for the catalog default
 * @param permissions the statements of the role's permission policy
 * @param managedPolicies ARNs of managed policies the role also has attached (for the linter; they are not
 *     evaluated locally, so an intent must still be allowed by {@code permissions})
 * @param trustPrincipal whose identity the trust policy names: the agent's (the default) or the broker's; a
 *     role with {@code mfa: none} must trust the broker (see {@link TrustPrincipal})
 * @param requireIntent whether a request for this role must declare an intent (catalog key
 *     {@code requireIntent: true}); without one it is refused before a human is asked
 */
public record RoleSpec(
    String key,
    String arn,
    String description,
    String environment,
    MfaRequirement mfa,
    String externalId,
    Instant notAfter,
    Duration duration,
    List<Statement> permissions,
    List<String> managedPolicies,
    TrustPrincipal trustPrincipal,
    boolean requireIntent) {

  /** Validates the fields and copies the statements. */
  public RoleSpec {
    Objects.requireNonNull(key, "role key == null");
    Objects.requireNonNull(arn, "role arn == null");
    description = description == null ? "" : description;
    environment = environment == null ? "dev" : environment;
    mfa = mfa == null ? MfaRequirement.REQUIRED : mfa;
    permissions = List.copyOf(Objects.requireNonNull(permissions, "permissions == null"));
    managedPolicies = managedPolicies == null ? List.of() : List.copyOf(managedPolicies);
    trustPrincipal = trustPrincipal == null ? TrustPrincipal.AGENT : trustPrincipal;
    if (!key.matches("[a-z0-9][a-z0-9-]{0,63}")) {
      throw new IllegalArgumentException("role key '" + key + "' must be lower-case letters, digits and dashes (1-64)");
    }
  }

  /** A role that trusts the agent's identity and does not require an intent. */
  public RoleSpec(String key, String arn, String description, String environment, MfaRequirement mfa,
      String externalId, Instant notAfter, Duration duration, List<Statement> permissions,
      List<String> managedPolicies) {
    this(key, arn, description, environment, mfa, externalId, notAfter, duration, permissions, managedPolicies,
        TrustPrincipal.AGENT, false);
  }

  /** A role that does not require an intent. */
  public RoleSpec(String key, String arn, String description, String environment, MfaRequirement mfa,
      String externalId, Instant notAfter, Duration duration, List<Statement> permissions,
      List<String> managedPolicies, TrustPrincipal trustPrincipal) {
    this(key, arn, description, environment, mfa, externalId, notAfter, duration, permissions, managedPolicies,
        trustPrincipal, false);
  }

  /** A role that trusts the agent's identity. */
  public RoleSpec(String key, String arn, String description, String environment, MfaRequirement mfa,
      String externalId, Instant notAfter, Duration duration, List<Statement> permissions,
      List<String> managedPolicies, boolean requireIntent) {
    this(key, arn, description, environment, mfa, externalId, notAfter, duration, permissions, managedPolicies,
        TrustPrincipal.AGENT, requireIntent);
  }

  /** A role without managed policies. */
  public RoleSpec(String key, String arn, String description, String environment, MfaRequirement mfa,
      String externalId, Instant notAfter, Duration duration, List<Statement> permissions) {
    this(key, arn, description, environment, mfa, externalId, notAfter, duration, permissions, List.of(),
        TrustPrincipal.AGENT, false);
  }

  /** The evaluator of this role's {@link #permissions()}, compiled once for this instance. */
  public PolicyEvaluator evaluator() {
    return CompiledRoles.evaluator(this);
  }

  /** Evaluates {@code action} on {@code resource} against this role's permissions (no condition context). */
  public EvaluationResult allows(String action, String resource) {
    return evaluator().evaluate(action, resource);
  }

  /** Evaluates a full request (with condition context) against this role's permissions. */
  public EvaluationResult allows(EvaluationRequest request) {
    return evaluator().evaluate(request);
  }

  /**
   * Whether this role's permissions allow a declared intent: every action on every resource; when
   * {@code resources} is empty, every action on at least one resource the role names (see
   * {@link PolicyEvaluator#evaluateOnSomeResource(String)}). Only {@link EvaluationResult#ALLOW} counts;
   * an empty intent is allowed by no role.
   */
  public boolean allowsIntent(List<String> actions, List<String> resources) {
    if (actions.isEmpty()) {
      return false;
    }
    PolicyEvaluator evaluator = evaluator();
    for (String action : actions) {
      if (resources.isEmpty()) {
        if (!evaluator.evaluateOnSomeResource(action).isAllowed()) {
          return false;
        }
      } else {
        for (String resource : resources) {
          if (!evaluator.evaluate(action, resource).isAllowed()) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Whether this is a production role (approval is louder: the approver types the role key). */
  public boolean isProduction() {
    return "prod".equalsIgnoreCase(environment) || "production".equalsIgnoreCase(environment);
  }

  /** The ExternalId, if the trust policy needs one. */
  public Optional<String> externalIdIfAny() {
    return Optional.ofNullable(externalId);
  }

  /** The expiry of a temporary role, if any. */
  public Optional<Instant> notAfterIfAny() {
    return Optional.ofNullable(notAfter);
  }

  /** A builder for a role with this key and ARN. */
  public static Builder builder(String key, String arn) {
    return new Builder(key, arn);
  }

  /** A builder holding this role's values. */
  public Builder toBuilder() {
    return new Builder(key, arn).description(description).environment(environment).mfa(mfa)
        .externalId(externalId).notAfter(notAfter).duration(duration).permissions(permissions)
        .managedPolicies(managedPolicies).trustPrincipal(trustPrincipal).requireIntent(requireIntent);
  }

  /** Builds {@link RoleSpec}s. Not thread-safe. */
  public static final class Builder {
    private final String key;
    private final String arn;
    private String description = "";
    private String environment = "dev";
    private MfaRequirement mfa = MfaRequirement.REQUIRED;
    private String externalId;
    private Instant notAfter;
    private Duration duration;
    private List<Statement> permissions = new ArrayList<>();
    private List<String> managedPolicies = new ArrayList<>();
    private TrustPrincipal trustPrincipal = TrustPrincipal.AGENT;
    private boolean requireIntent;

    private Builder(String key, String arn) {
      this.key = key;
      this.arn = arn;
    }

    /** Sets the description. */
    public Builder description(String description) { this.description = description; return this; }
    /** Sets the environment; default {@code dev}. */
    public Builder environment(String environment) { this.environment = environment; return this; }
    /** Sets the MFA requirement; default {@link MfaRequirement#REQUIRED}. */
    public Builder mfa(MfaRequirement mfa) { this.mfa = mfa; return this; }
    /** Sets the ExternalId. */
    public Builder externalId(String externalId) { this.externalId = externalId; return this; }
    /** Sets the instant after which the role is refused. */
    public Builder notAfter(Instant notAfter) { this.notAfter = notAfter; return this; }
    /** Sets the lease length; default the catalog's. */
    public Builder duration(Duration duration) { this.duration = duration; return this; }
    /** Adds a permission statement. */
    public Builder permission(Statement statement) { this.permissions.add(statement); return this; }
    /** Replaces the permission statements. */
    public Builder permissions(List<Statement> statements) { this.permissions = new ArrayList<>(statements); return this; }

    /** Adds the ARN of an attached managed policy. */
    public Builder managedPolicy(String policyArn) { this.managedPolicies.add(policyArn); return this; }
    /** Replaces the ARNs of attached managed policies. */
    public Builder managedPolicies(List<String> policyArns) { this.managedPolicies = new ArrayList<>(policyArns); return this; }

    /** Sets whose identity the trust policy names; default {@link TrustPrincipal#AGENT}. */
    public Builder trustPrincipal(TrustPrincipal principal) { this.trustPrincipal = principal; return this; }
    /** Whether requests for this role must declare an intent; default false. */
    public Builder requireIntent(boolean requireIntent) { this.requireIntent = requireIntent; return this; }

    /** Builds the role. */
    public RoleSpec build() {
      return new RoleSpec(key, arn, description, environment, mfa, externalId, notAfter, duration, permissions,
          managedPolicies, trustPrincipal, requireIntent);
    }
  }
}
