package dev.leasehold.examples.loop;

import java.util.Objects;

/**
 * How one task ended, for the report an agent hands back to whoever gave it the work.
 *
 * @param task the task's name
 * @param status how it ended
 * @param detail the result, or what went wrong and what the human can do about it; never a secret
 */
public record Outcome(String task, Status status, String detail) {

  /** Validates the fields. */
  public Outcome {
    Objects.requireNonNull(task, "task == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(detail, "detail == null");
  }

  /** How a task ended, and whether the agent must stop the whole run because of it. */
  public enum Status {
    /** The task ran. */
    DONE(false),
    /** A human said no. Never retried, never rephrased, never asked of a wider role: the run stops. */
    DENIED(true),
    /** Nobody answered in time. Nothing reached AWS; the run stops until a human is back. */
    APPROVAL_TIMED_OUT(true),
    /** The intent or a call was outside the role. The task is wrong, not the role: report it. */
    OUT_OF_SCOPE(false),
    /** The task used up its lease's call budget (a runaway loop). */
    BUDGET_EXHAUSTED(false),
    /** The task outlived its 15-minute lease. Leases are never refreshed silently. */
    LEASE_EXPIRED(false),
    /** The request itself was malformed (unknown role, vague reason, bad duration). Fix the task. */
    INVALID_REQUEST(false),
    /** Leasehold could not get a lease (rate limit, approval channel or STS failure, audit failure): the run stops. */
    UNAVAILABLE(true),
    /** AWS answered the call with an error. */
    AWS_ERROR(false),
    /** Not attempted, because an earlier task stopped the run. */
    SKIPPED(false);

    private final boolean stopsRun;

    Status(boolean stopsRun) {
      this.stopsRun = stopsRun;
    }

    /** Whether the agent must stop and report instead of going on with the next task. */
    public boolean stopsRun() {
      return stopsRun;
    }
  }
}
