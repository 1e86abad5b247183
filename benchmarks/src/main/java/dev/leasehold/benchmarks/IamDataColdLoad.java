package dev.leasehold.benchmarks;

import dev.leasehold.policy.internal.ServiceAuthorization;

/**
 * Run in a fresh JVM by {@link ColdStart}: loads the bundled IAM data snapshot and looks up one action, and
 * prints the nanoseconds that took (class loading of the snapshot's classes included, JVM start-up not).
 */
public final class IamDataColdLoad {
  private IamDataColdLoad() {}

  public static void main(String[] args) {
    long start = System.nanoTime();
    ServiceAuthorization.Action action = ServiceAuthorization.bundled().action("s3:GetObject");
    long took = System.nanoTime() - start;
    if (action == null || action.isMutating()) {
      throw new IllegalStateException("s3:GetObject is missing or classified as mutating");
    }
    System.out.println(took);
  }
}
