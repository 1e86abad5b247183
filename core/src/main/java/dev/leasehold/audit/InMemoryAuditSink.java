package dev.leasehold.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps events in memory, for tests and for agents that forward them elsewhere. It never fails and
 * keeps every event until {@link #clear()}. Thread-safe.
 */
public final class InMemoryAuditSink implements AuditSink {
  private final List<AuditEvent> events = new ArrayList<>();

  /** An empty sink. */
  public InMemoryAuditSink() {}

  @Override
  public synchronized void record(AuditEvent event) {
    events.add(java.util.Objects.requireNonNull(event, "event == null"));
  }

  /** A snapshot of the events recorded so far, in order. */
  public synchronized List<AuditEvent> events() {
    return List.copyOf(events);
  }

  /** The types of the events recorded so far, in order. */
  public synchronized List<AuditEventType> types() {
    return events.stream().map(AuditEvent::type).toList();
  }

  /** Forgets every event. */
  public synchronized void clear() {
    events.clear();
  }

  @Override
  public synchronized String toString() {
    return "InMemoryAuditSink[" + events.size() + " events]";
  }
}
