package dev.leasehold.internal;

import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;

/** Where {@code AwsSessionFactory.open} gets sessions: the flow in this process, or a broker. */
public interface Sessions extends AutoCloseable {
  /** Opens (or joins, or reuses) a session for {@code request}. */
  AgentSession open(AccessRequest request);

  /** Ends every session it opened. */
  @Override
  void close();
}
