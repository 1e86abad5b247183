package dev.leasehold.fleet;

/**
 * The shared state a factory consults before it asks a human: the guard rails and the task coordinator. The
 * rule: every factory (or broker) that serves the same agent gives the same coordination backend, so that the
 * prompt limit, the denial cool-down and "one prompt per task" hold across all of them.
 *
 * <p>Implementations are thread-safe. The factory does not close a coordination it is given; whoever created
 * it (such as a {@code PostgresFleet}) does.
 */
public interface Coordination {
  /** The prompt rate limit and denial cool-down. */
  GuardRailStore guardRails();

  /** One prompt per task across processes. */
  TaskCoordinator tasks();
}
