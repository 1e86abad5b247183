/** Implementation of the PostgreSQL fleet; not API. */
package dev.leasehold.fleet.postgres.internal;
