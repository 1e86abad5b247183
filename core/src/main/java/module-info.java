/**
 * Leasehold's library: {@link dev.leasehold.AwsSessionFactory} and the leases it hands out, the role catalog,
 * intents and policies, the audit trail, account checks and the fleet interfaces.
 *
 * <p>Only the API packages are exported. The {@code internal} packages are exported to the named Leasehold
 * modules that are built from the same release and nothing else; no other code can compile against them or
 * reach them reflectively on the module path.
 *
 * <p>The modules named in the qualified exports are compiled after this one, so javac cannot see them here.
 */
@SuppressWarnings("module")
module dev.leasehold.core {
  requires transitive dev.leasehold.approval;
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.awscore;
  requires transitive software.amazon.awssdk.core;
  requires transitive software.amazon.awssdk.http;
  requires transitive software.amazon.awssdk.identity.spi;
  requires transitive software.amazon.awssdk.regions;
  requires transitive software.amazon.awssdk.services.iam;
  requires transitive software.amazon.awssdk.services.sts;
  requires software.amazon.awssdk.http.urlconnection;
  requires software.amazon.awssdk.profiles;
  requires software.amazon.awssdk.utils;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires com.github.benmanes.caffeine;
  requires io.github.resilience4j.circuitbreaker;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.ratelimiter;
  requires io.github.resilience4j.retry;
  requires org.slf4j;
  requires java.net.http;

  exports dev.leasehold;
  exports dev.leasehold.audit;
  exports dev.leasehold.catalog;
  exports dev.leasehold.fleet;
  exports dev.leasehold.iam;
  exports dev.leasehold.policy;

  exports dev.leasehold.internal to
      dev.leasehold.broker, dev.leasehold.fleet.postgres, dev.leasehold.mcp, dev.leasehold.cli;
  exports dev.leasehold.audit.internal to
      dev.leasehold.fleet.postgres;
  exports dev.leasehold.policy.internal to
      dev.leasehold.mcp;
}
