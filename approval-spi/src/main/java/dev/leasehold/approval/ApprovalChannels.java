package dev.leasehold.approval;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds approval channels by name with {@link ServiceLoader}.
 *
 * <p>The rule: a channel is always chosen explicitly. There is no default channel and no "first one
 * found"; an unknown name is an error that lists the names that are installed, and a name that two
 * providers claim is an error that names both provider classes (no channel is created then). A provider jar that fails
 * to load does not hide the others: it is skipped and named in the error if the requested name is not
 * found.
 *
 * <p>Thread-safe; every call scans the class path anew, so call it once at start-up.
 */
public final class ApprovalChannels {

  private ApprovalChannels() {}

  /**
   * Creates the channel registered under {@code name}, using the thread's context class loader (or this
   * class's loader when there is none).
   *
   * @param name the provider name, such as {@code console} or {@code slack}
   * @param config the channel's settings
   * @return a new channel, owned and closed by the caller
   * @throws ApprovalChannelException ({@link ApprovalChannelException.Kind#CONFIGURATION}) when no
   *     provider has that name, when more than one does, or when the provider rejects the settings
   */
  public static ApprovalChannel load(String name, Map<String, String> config) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(name, config, loader != null ? loader : ApprovalChannels.class.getClassLoader());
  }

  /**
   * Creates the channel registered under {@code name}, searching {@code loader}.
   *
   * @param name the provider name
   * @param config the channel's settings
   * @param loader where to look for {@code META-INF/services/dev.leasehold.approval.ApprovalChannelProvider}
   * @return a new channel, owned and closed by the caller
   * @throws ApprovalChannelException when no provider has that name, when more than one does, or when the
   *     provider rejects the settings
   */
  public static ApprovalChannel load(String name, Map<String, String> config, ClassLoader loader) {
    return load(name, config, DecisionRelay.none(), loader);
  }

  /**
   * Creates the channel registered under {@code name}, relaying decisions through {@code relay}: what a
   * broker of a fleet calls, so that an interaction another broker receives reaches the request this one
   * posted (see {@link DecisionRelay}). Uses the thread's context class loader (or this class's loader).
   *
   * @param name the provider name
   * @param config the channel's settings
   * @param relay the relay, still owned (and closed) by the caller; {@link DecisionRelay#none()} for none
   * @return a new channel, owned and closed by the caller
   * @throws ApprovalChannelException when no provider has that name, when more than one does, or when the
   *     provider rejects the settings
   */
  public static ApprovalChannel load(String name, Map<String, String> config, DecisionRelay relay) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(name, config, relay, loader != null ? loader : ApprovalChannels.class.getClassLoader());
  }

  /**
   * Creates the channel registered under {@code name}, searching {@code loader}, relaying decisions through
   * {@code relay}.
   *
   * @param name the provider name
   * @param config the channel's settings
   * @param relay the relay, still owned (and closed) by the caller; {@link DecisionRelay#none()} for none
   * @param loader where to look for {@code META-INF/services/dev.leasehold.approval.ApprovalChannelProvider}
   * @return a new channel, owned and closed by the caller
   * @throws ApprovalChannelException when no provider has that name, when more than one does, or when the
   *     provider rejects the settings
   */
  public static ApprovalChannel load(String name, Map<String, String> config, DecisionRelay relay,
      ClassLoader loader) {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(relay, "relay == null");
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(loader, "loader == null");
    TreeSet<String> found = new TreeSet<>();
    List<String> broken = new ArrayList<>();
    List<ApprovalChannelProvider> matching = new ArrayList<>();
    Iterator<ApprovalChannelProvider> it = ServiceLoader.load(ApprovalChannelProvider.class, loader).iterator();
    while (true) {
      ApprovalChannelProvider provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError e) {
        broken.add(e.getMessage());
        continue;
      }
      String providerName = provider.name();
      found.add(providerName);
      if (name.equals(providerName)) {
        matching.add(provider);
      }
    }
    if (matching.size() > 1) {
      throw new ApprovalChannelException(ApprovalChannelException.Kind.CONFIGURATION,
          "More than one approval channel provider is named '" + name + "': " + String.join(", ",
              matching.stream().map(p -> p.getClass().getName()).toList())
              + ". Leasehold does not pick one: remove all but one of their jars from the class path.");
    }
    if (matching.size() == 1) {
      ApprovalChannelProvider provider = matching.get(0);
      ApprovalChannel channel = relay == DecisionRelay.none()
          ? provider.create(Map.copyOf(config)) : provider.create(Map.copyOf(config), relay);
      if (channel == null) {
        throw new ApprovalChannelException(ApprovalChannelException.Kind.CONFIGURATION,
            "Approval channel provider '" + name + "' (" + provider.getClass().getName() + ") returned no channel");
      }
      return channel;
    }
    StringBuilder message = new StringBuilder("No approval channel named '").append(name).append("'. ");
    if (found.isEmpty()) {
      message.append("No approval channel provider is installed: add a channel jar such as "
          + "dev.leasehold:leasehold-approval-console or dev.leasehold:leasehold-approval-slack to the class path.");
    } else {
      message.append("Installed channels: ").append(String.join(", ", found))
          .append(". Use one of these names, or add the jar that provides '").append(name).append("'.");
    }
    if (!broken.isEmpty()) {
      message.append(" Providers that failed to load: ").append(String.join("; ", broken));
    }
    throw new ApprovalChannelException(ApprovalChannelException.Kind.CONFIGURATION, message.toString());
  }

  /**
   * The names of the providers that load from {@code loader}, sorted; broken providers are skipped.
   *
   * @param loader the class loader to search
   * @return the installed provider names
   */
  public static List<String> names(ClassLoader loader) {
    TreeSet<String> found = new TreeSet<>();
    Iterator<ApprovalChannelProvider> it = ServiceLoader.load(ApprovalChannelProvider.class, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next().name());
      } catch (ServiceConfigurationError e) {
        // a broken provider jar must not hide the others
      }
    }
    return List.copyOf(found);
  }
}
