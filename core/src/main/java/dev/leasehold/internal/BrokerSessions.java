package dev.leasehold.internal;

import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.CallBudget;
import dev.leasehold.SessionExpiredException;
import dev.leasehold.UnknownRoleException;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

/**
 * Sessions from a broker: the broker validates, asks the human, assumes the role and audits; this process
 * gets the lease's credentials from the lease's container endpoint and wraps them in the usual
 * {@link LeasedSession}, whose guard still checks every call against the intent and the role. Closing a
 * session ends the lease at the broker.
 */
public final class BrokerSessions implements Sessions {
  private final BrokerClient client;
  private final RoleCatalog catalog;
  private final Clock clock;
  private final Region region;
  private final Auditor auditor;
  private final ActionMapper mapper;
  private final CallBudget budget;
  private final Map<String, LeasedSession> open = new ConcurrentHashMap<>();

  public BrokerSessions(BrokerClient client, RoleCatalog catalog, Clock clock, Region region, Auditor auditor,
      ActionMapper mapper, CallBudget budget) {
    this.client = client;
    this.catalog = catalog;
    this.clock = clock;
    this.region = region;
    this.auditor = auditor;
    this.mapper = mapper;
    this.budget = budget;
  }

  @Override
  public AgentSession open(AccessRequest request) {
    RoleSpec role = catalog.role(request.role()).orElseThrow(() -> new UnknownRoleException(request.role(),
        catalog.roleKeys()));
    BrokerClient.Grant grant = client.request(request);
    AwsSessionCredentials credentials;
    try {
      credentials = client.credentials(grant);
    } catch (SessionExpiredException e) {
      end(grant.id());
      throw e;
    }
    if (!role.arn().equals(grant.roleArn())) {
      end(grant.id());
      throw new IllegalStateException("The broker answered with role " + grant.roleArn() + " for catalog role '"
          + role.key() + "' (" + role.arn() + "); the agent's catalog and the broker's differ. Use the same catalog.");
    }
    LeaseIssuer.Lease lease = new LeaseIssuer.Lease(credentials, grant.expiresAt(), grant.roleArn());
    LeasedSession session = new LeasedSession(grant.id(), role, grant.approver(), request.actions(),
        request.resources(), lease, clock, region, auditor, mapper, budget, s -> {
          open.remove(s.id());
          end(s.id());
        });
    open.put(grant.id(), session);
    return session;
  }

  private void end(String id) {
    try {
      client.end(id);
    } catch (RuntimeException e) {
      // the lease ends at its expiry anyway; the broker being gone is not the caller's problem here
    }
  }

  @Override
  public void close() {
    for (LeasedSession s : List.copyOf(open.values())) {
      s.close();
    }
  }
}
