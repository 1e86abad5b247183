package dev.leasehold.audit;

/**
 * Receives every audited step.
 *
 * <p>The rule: {@link #record(AuditEvent)} returns only once the event is durably handed on (written and
 * flushed, sent, ...), and Leasehold calls it before the step it records goes on (before a human is asked,
 * before a lease is handed out, before a guarded call goes on the wire). If it cannot, it throws, and
 * Leasehold fails the request closed: no audit record, no session, no call. How durable "handed on" is
 * for the default sink is {@link AuditLog.Durability}. Implementations must be thread-safe; events of concurrent requests may arrive in any
 * order, but each sink call is atomic. Whoever creates the sink closes it.
 */
public interface AuditSink extends AutoCloseable {

  /**
   * Records one event.
   *
   * @param event the event; never null, never holding a secret
   * @throws RuntimeException when the event could not be recorded (the request then fails closed)
   */
  void record(AuditEvent event);

  /** Flushes and releases resources. The default does nothing. */
  @Override
  default void close() {}
}
