package dev.leasehold.internal;

import dev.leasehold.AuditFailureException;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.catalog.RoleSpec;
import java.time.Clock;
import java.util.List;

/** Writes audit events, failing closed: any sink failure becomes an {@link AuditFailureException}. */
public final class Auditor {
  private final AuditSink sink;
  private final Clock clock;
  private final String agent;

  public Auditor(AuditSink sink, Clock clock, String agent) {
    this.sink = sink;
    this.clock = clock;
    this.agent = agent;
  }

  /** A builder for an event about {@code role} (may be null) in request {@code requestId}. */
  public AuditEvent.Builder event(AuditEventType type, String requestId, RoleSpec role, String reason,
      List<String> intent, List<String> resources) {
    return AuditEvent.builder(type, clock.instant()).requestId(requestId).agent(agent)
        .roleKey(role == null ? null : role.key()).roleArn(role == null ? null : role.arn())
        .reason(reason).intent(intent).resources(resources);
  }

  /** Records the event or throws {@link AuditFailureException}. */
  public void record(AuditEvent.Builder event) {
    AuditEvent built = event.time(clock.instant()).build();
    try {
      sink.record(built);
    } catch (RuntimeException e) {
      throw new AuditFailureException("The audit trail could not record the '" + built.type().json()
          + "' event of request " + built.requestId() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "); Leasehold fails closed, so the request was stopped. Fix the audit sink and try again.", e);
    }
  }
}
