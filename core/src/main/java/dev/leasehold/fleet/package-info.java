/**
 * How brokers (or embedded factories) in many processes act as one: the shared guard rails around the human
 * ({@link dev.leasehold.fleet.GuardRailStore}) and one prompt per task across processes
 * ({@link dev.leasehold.fleet.TaskCoordinator}), bundled as a {@link dev.leasehold.fleet.Coordination} and given
 * to {@code AwsSessionFactory.builder().coordination(...)}.
 *
 * <p>Without a coordination a factory keeps all of this in its own memory, which is right for one process.
 * {@code leasehold-fleet-postgres} implements both on PostgreSQL ({@code PostgresFleet.coordination(key)}).
 * Implementations fail closed: when the shared state cannot be read or written they throw
 * {@link dev.leasehold.FleetUnavailableException}, and no human is asked.
 */
package dev.leasehold.fleet;
