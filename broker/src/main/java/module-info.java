/**
 * The Leasehold broker: {@link dev.leasehold.broker.LeaseBroker} serves leases to agents in other processes
 * (HTTP agent API and the container-credentials endpoint) while the keys stay in the broker's process.
 */
module dev.leasehold.broker {
  requires transitive dev.leasehold.core;
  requires com.fasterxml.jackson.databind;
  requires jdk.httpserver;
  requires org.slf4j;

  exports dev.leasehold.broker;
}
