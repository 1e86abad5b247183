package dev.leasehold.benchmarks;

import dev.leasehold.policy.internal.ServiceAuthorization;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Run in a fresh JVM by {@link ColdStart}: loads the bundled IAM data snapshot and looks up one action, and
 * prints the wall and the thread's CPU nanoseconds that took (class loading of the snapshot's classes
 * included, JVM start-up not). The CPU time is what the load costs; the wall time adds whatever else ran
 * on the machine meanwhile.
 */
public final class IamDataColdLoad {
  private IamDataColdLoad() {}

  public static void main(String[] args) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    ServiceAuthorization.Action action = ServiceAuthorization.bundled().action("s3:GetObject");
    long took = System.nanoTime() - start;
    cpu = threads.getCurrentThreadCpuTime() - cpu;
    if (action == null || action.isMutating()) {
      throw new IllegalStateException("s3:GetObject is missing or classified as mutating");
    }
    System.out.println(took + " " + cpu);
  }
}
