/** The broker's implementation. Not part of Leasehold's API. */
package dev.leasehold.broker.internal;
