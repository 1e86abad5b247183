package dev.leasehold.approval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Everything a human needs to decide whether an agent may assume a role, and nothing secret.
 *
 * <p>{@link #reason()} is written by the agent and must be treated as hostile text: a channel shows it
 * inert (no control characters, no markup, no mentions). {@link #digest()} is a short fingerprint of the
 * request that the human can compare with what the agent's own log shows.
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder()}.
 *
 * @param id unique id of this request; every decision must carry it back
 * @param agent the agent's name from the catalog
 * @param roleKey the catalog key of the role asked for, such as {@code s3-deploy}
 * @param roleArn the role's ARN
 * @param environment the role's environment, such as {@code dev} or {@code prod}
 * @param reason the agent's reason, validated but still agent-written
 * @param intentActions the IAM actions the agent declared it needs; empty when no intent was declared
 * @param intentResources the resource ARNs the agent declared; empty means the role's own resources
 * @param duration how long the lease lasts once approved
 * @param requestedAt when the agent asked
 * @param decideBy the deadline after which the channel must answer {@link Decision.Expired}
 * @param requiresMfa whether the approver must type a six-digit MFA code
 * @param requiresRoleKeyConfirmation whether the approver must type the role key (production roles)
 * @param writingActions the intent actions that change something by AWS's access levels (Write, Permissions
 *     management or Tagging, as opposed to Read and List), in intent order; channels show them loudly. Each
 *     must be one of {@code intentActions}; empty when none writes or no intent was declared
 */
public record ApprovalRequest(
    String id,
    String agent,
    String roleKey,
    String roleArn,
    String environment,
    String reason,
    List<String> intentActions,
    List<String> intentResources,
    Duration duration,
    Instant requestedAt,
    Instant decideBy,
    boolean requiresMfa,
    boolean requiresRoleKeyConfirmation,
    List<String> writingActions) {

  /** Validates every field; lists are copied so the request stays immutable. */
  public ApprovalRequest {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(agent, "agent == null");
    Objects.requireNonNull(roleKey, "roleKey == null");
    Objects.requireNonNull(roleArn, "roleArn == null");
    Objects.requireNonNull(environment, "environment == null");
    Objects.requireNonNull(reason, "reason == null");
    intentActions = List.copyOf(Objects.requireNonNull(intentActions, "intentActions == null"));
    intentResources = List.copyOf(Objects.requireNonNull(intentResources, "intentResources == null"));
    Objects.requireNonNull(duration, "duration == null");
    Objects.requireNonNull(requestedAt, "requestedAt == null");
    Objects.requireNonNull(decideBy, "decideBy == null");
    writingActions = List.copyOf(Objects.requireNonNull(writingActions, "writingActions == null"));
    for (String w : writingActions) {
      if (!intentActions.contains(w)) {
        throw new IllegalArgumentException("writing action " + w + " is not one of the intent actions " + intentActions);
      }
    }
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive, was " + duration);
    }
    if (decideBy.isBefore(requestedAt)) {
      throw new IllegalArgumentException("decideBy (" + decideBy + ") is before requestedAt (" + requestedAt + ")");
    }
  }

  /**
   * A request without {@link #writingActions()} (the form before they were added): none of its actions is
   * marked as writing.
   */
  public ApprovalRequest(String id, String agent, String roleKey, String roleArn, String environment, String reason,
      List<String> intentActions, List<String> intentResources, Duration duration, Instant requestedAt,
      Instant decideBy, boolean requiresMfa, boolean requiresRoleKeyConfirmation) {
    this(id, agent, roleKey, roleArn, environment, reason, intentActions, intentResources, duration, requestedAt,
        decideBy, requiresMfa, requiresRoleKeyConfirmation, List.of());
  }

  /** Whether the role is a production role, which channels must show loudly. */
  public boolean isProduction() {
    return "prod".equalsIgnoreCase(environment) || "production".equalsIgnoreCase(environment);
  }

  /**
   * A short fingerprint of what is being approved (id, role, reason, intent, duration), formatted as
   * {@code XXXX-XXXX}. Channels show it so a human can compare it with the agent's log line.
   */
  public String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String canonical = String.join("\u0000", id, agent, roleKey, roleArn, environment, reason,
          String.join(",", intentActions), String.join(",", intentResources), duration.toString());
      String hex = HexFormat.of().withUpperCase().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
      return hex.substring(0, 4) + "-" + hex.substring(4, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** A builder with no fields set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    return new Builder()
        .id(id).agent(agent).roleKey(roleKey).roleArn(roleArn).environment(environment).reason(reason)
        .intentActions(intentActions).intentResources(intentResources).duration(duration)
        .requestedAt(requestedAt).decideBy(decideBy).requiresMfa(requiresMfa)
        .requiresRoleKeyConfirmation(requiresRoleKeyConfirmation).writingActions(writingActions);
  }

  /** Builds {@link ApprovalRequest}s. Not thread-safe. */
  public static final class Builder {
    private String id;
    private String agent;
    private String roleKey;
    private String roleArn;
    private String environment = "dev";
    private String reason;
    private List<String> intentActions = List.of();
    private List<String> intentResources = List.of();
    private Duration duration = Duration.ofMinutes(15);
    private Instant requestedAt;
    private Instant decideBy;
    private boolean requiresMfa = true;
    private boolean requiresRoleKeyConfirmation;
    private List<String> writingActions = List.of();

    private Builder() {}

    /** Sets {@link ApprovalRequest#id()}. */
    public Builder id(String id) { this.id = id; return this; }
    /** Sets {@link ApprovalRequest#agent()}. */
    public Builder agent(String agent) { this.agent = agent; return this; }
    /** Sets {@link ApprovalRequest#roleKey()}. */
    public Builder roleKey(String roleKey) { this.roleKey = roleKey; return this; }
    /** Sets {@link ApprovalRequest#roleArn()}. */
    public Builder roleArn(String roleArn) { this.roleArn = roleArn; return this; }
    /** Sets {@link ApprovalRequest#environment()}; default {@code dev}. */
    public Builder environment(String environment) { this.environment = environment; return this; }
    /** Sets {@link ApprovalRequest#reason()}. */
    public Builder reason(String reason) { this.reason = reason; return this; }
    /** Sets {@link ApprovalRequest#intentActions()}; default empty. */
    public Builder intentActions(List<String> actions) { this.intentActions = actions; return this; }
    /** Sets {@link ApprovalRequest#intentResources()}; default empty. */
    public Builder intentResources(List<String> resources) { this.intentResources = resources; return this; }
    /** Sets {@link ApprovalRequest#duration()}; default 15 minutes. */
    public Builder duration(Duration duration) { this.duration = duration; return this; }
    /** Sets {@link ApprovalRequest#requestedAt()}. */
    public Builder requestedAt(Instant requestedAt) { this.requestedAt = requestedAt; return this; }
    /** Sets {@link ApprovalRequest#decideBy()}. */
    public Builder decideBy(Instant decideBy) { this.decideBy = decideBy; return this; }
    /** Sets {@link ApprovalRequest#requiresMfa()}; default true. */
    public Builder requiresMfa(boolean requiresMfa) { this.requiresMfa = requiresMfa; return this; }
    /** Sets {@link ApprovalRequest#requiresRoleKeyConfirmation()}; default false. */
    public Builder requiresRoleKeyConfirmation(boolean value) { this.requiresRoleKeyConfirmation = value; return this; }
    /** Sets {@link ApprovalRequest#writingActions()}; default empty. */
    public Builder writingActions(List<String> actions) { this.writingActions = actions; return this; }

    /** Builds the request; throws {@link NullPointerException} or {@link IllegalArgumentException} naming the bad field. */
    public ApprovalRequest build() {
      return new ApprovalRequest(id, agent, roleKey, roleArn, environment, reason, intentActions,
          intentResources, duration, requestedAt, decideBy, requiresMfa, requiresRoleKeyConfirmation, writingActions);
    }
  }
}
