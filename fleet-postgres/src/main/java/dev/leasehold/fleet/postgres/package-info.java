/**
 * Fleet coordination through PostgreSQL: {@link dev.leasehold.fleet.postgres.PostgresFleet} connects a broker
 * to the fleet's database; see docs/fleet.md for the design, the grants and the faults.
 */
package dev.leasehold.fleet.postgres;
