package dev.leasehold.examples.loop;

import dev.leasehold.AccessRequest;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One unit of agent work: what to ask for ({@link #access()}: role, concrete reason, intent) and what to
 * do once a human has approved it ({@link #work()}).
 *
 * <p>Ask for the smallest thing that does the job: one role, the exact IAM actions the work calls, and a
 * reason a human can judge in five seconds ("list release artifacts under releases/ for the 1.4.2 notes",
 * not "do S3 stuff").
 *
 * @param name a short name for the report
 * @param access the lease to ask for
 * @param work the AWS calls, made only with the client the loop hands over
 */
public record Task(String name, AccessRequest access, Work work) {

  /** Validates the fields. */
  public Task {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(access, "access == null");
    Objects.requireNonNull(work, "work == null");
  }

  /** The AWS calls of a task. */
  @FunctionalInterface
  public interface Work {
    /**
     * Does the task with a client bound to the approved lease.
     *
     * @param s3 a guarded client: calls outside the lease's intent are refused before they leave the process
     * @return a one-line result for the report
     */
    String perform(S3Client s3);
  }
}
