package dev.leasehold.approval;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two test providers that both call themselves {@code twin}, registered in
 * {@code duplicate-providers/META-INF/services} (a separate folder, read through its own class loader).
 */
final class TwinChannelProviders {
  /** How many channels either provider created: an ambiguous name must create none. */
  static final AtomicInteger CREATED = new AtomicInteger();

  private TwinChannelProviders() {}

  /** The first provider named {@code twin}. */
  public static final class First implements ApprovalChannelProvider {
    @Override
    public String name() {
      return "twin";
    }

    @Override
    public ApprovalChannel create(Map<String, String> config) {
      CREATED.incrementAndGet();
      return new EchoChannelProvider().create(config);
    }
  }

  /** The second provider named {@code twin}. */
  public static final class Second implements ApprovalChannelProvider {
    @Override
    public String name() {
      return "twin";
    }

    @Override
    public ApprovalChannel create(Map<String, String> config) {
      CREATED.incrementAndGet();
      return new EchoChannelProvider().create(config);
    }
  }
}
