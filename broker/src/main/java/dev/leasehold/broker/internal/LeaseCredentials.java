package dev.leasehold.broker.internal;

import dev.leasehold.AgentSession;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/** The one place the broker takes a lease's credentials out of a session, to serve them to its consumer. */
final class LeaseCredentials {
  private LeaseCredentials() {}

  static AwsCredentials of(AgentSession session) {
    return session.credentialsProvider().resolveCredentials();
  }
}
