package dev.leasehold.broker.internal;

import dev.leasehold.AgentSession;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The one place the broker takes a lease's credentials out of a session, to serve them to its consumer: an
 * audited export (credentials-exported), once per lease handed to a client.
 */
final class LeaseCredentials {
  private LeaseCredentials() {}

  static AwsCredentialsProvider export(AgentSession session) {
    return session.exportCredentials("the broker serves the lease on its container-credentials endpoint");
  }
}
