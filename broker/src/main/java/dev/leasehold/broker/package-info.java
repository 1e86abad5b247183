/**
 * The Leasehold broker: the request flow in a separate process, serving leases over HTTP/JSON and the AWS
 * container-credentials protocol to agents that hold no AWS identity. Start one with
 * {@link dev.leasehold.broker.LeaseBroker#builder()}.
 */
package dev.leasehold.broker;
