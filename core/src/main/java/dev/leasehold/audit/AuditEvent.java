package dev.leasehold.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One audited step. It carries what a security reviewer needs (who asked, for what, why, who approved,
 * what happened) and, by construction, no secret: there is no field for credentials or MFA codes.
 *
 * <p>Immutable and thread-safe. Fields that do not apply to a step are null (or empty lists).
 *
 * @param time when it happened
 * @param type which step
 * @param requestId the request (and session) id
 * @param agent the agent's name
 * @param roleKey the catalog role key
 * @param roleArn the role's ARN
 * @param reason the agent's reason
 * @param intent the declared IAM actions
 * @param resources the declared resources
 * @param approver who approved or denied
 * @param outcome a short outcome word, such as {@code ok}, {@code refused} or a failure category
 * @param cause a human-readable explanation of a refusal or failure
 * @param action the IAM action of a guarded call
 */
public record AuditEvent(
    Instant time,
    AuditEventType type,
    String requestId,
    String agent,
    String roleKey,
    String roleArn,
    String reason,
    List<String> intent,
    List<String> resources,
    String approver,
    String outcome,
    String cause,
    String action) {

  /** Validates the required fields and copies lists. */
  public AuditEvent {
    Objects.requireNonNull(time, "time == null");
    Objects.requireNonNull(type, "type == null");
    intent = intent == null ? List.of() : List.copyOf(intent);
    resources = resources == null ? List.of() : List.copyOf(resources);
  }

  /** A builder for an event of {@code type} at {@code time}. */
  public static Builder builder(AuditEventType type, Instant time) {
    return new Builder(type, time);
  }

  /** A builder holding this event's values. */
  public Builder toBuilder() {
    return new Builder(type, time).requestId(requestId).agent(agent).roleKey(roleKey).roleArn(roleArn)
        .reason(reason).intent(intent).resources(resources).approver(approver).outcome(outcome)
        .cause(cause).action(action);
  }

  /** Builds {@link AuditEvent}s. Not thread-safe. */
  public static final class Builder {
    private AuditEventType type;
    private Instant time;
    private String requestId;
    private String agent;
    private String roleKey;
    private String roleArn;
    private String reason;
    private List<String> intent = List.of();
    private List<String> resources = List.of();
    private String approver;
    private String outcome;
    private String cause;
    private String action;

    private Builder(AuditEventType type, Instant time) {
      this.type = type;
      this.time = time;
    }

    /** Sets the step. */
    public Builder type(AuditEventType type) { this.type = type; return this; }
    /** Sets the time. */
    public Builder time(Instant time) { this.time = time; return this; }
    /** Sets the request id. */
    public Builder requestId(String v) { this.requestId = v; return this; }
    /** Sets the agent. */
    public Builder agent(String v) { this.agent = v; return this; }
    /** Sets the role key. */
    public Builder roleKey(String v) { this.roleKey = v; return this; }
    /** Sets the role ARN. */
    public Builder roleArn(String v) { this.roleArn = v; return this; }
    /** Sets the reason. */
    public Builder reason(String v) { this.reason = v; return this; }
    /** Sets the intent actions. */
    public Builder intent(List<String> v) { this.intent = v; return this; }
    /** Sets the intent resources. */
    public Builder resources(List<String> v) { this.resources = v; return this; }
    /** Sets the approver. */
    public Builder approver(String v) { this.approver = v; return this; }
    /** Sets the outcome word. */
    public Builder outcome(String v) { this.outcome = v; return this; }
    /** Sets the cause. */
    public Builder cause(String v) { this.cause = v; return this; }
    /** Sets the call action. */
    public Builder action(String v) { this.action = v; return this; }

    /** Builds the event. */
    public AuditEvent build() {
      return new AuditEvent(time, type, requestId, agent, roleKey, roleArn, reason, intent, resources,
          approver, outcome, cause, action);
    }
  }
}
