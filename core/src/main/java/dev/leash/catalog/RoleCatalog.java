package dev.leash.catalog;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The catalog of roles an agent may ask for, with the agent's identity and defaults.
 *
 * <p>The rules: role keys are unique; every lease lasts between {@link #MIN_DURATION 15 minutes} and
 * {@link #MAX_DURATION one hour}, and no role asks for more than the catalog default ceiling. An agent can
 * never reach a role that is not in its catalog.
 *
 * <p>Immutable and thread-safe.
 *
 * @param agent the agent's base identity
 * @param defaultDuration the lease length for roles that set none
 * @param defaultRegion the default AWS region, or null
 * @param roles the roles by key, in catalog order
 */
public record RoleCatalog(AgentIdentity agent, Duration defaultDuration, String defaultRegion, Map<String, RoleSpec> roles) {

  /** The shortest lease STS grants: 15 minutes. */
  public static final Duration MIN_DURATION = Duration.ofMinutes(15);
  /** The longest lease Leash grants: 1 hour (also STS's cap for role chaining). */
  public static final Duration MAX_DURATION = Duration.ofHours(1);
  /** The default lease: 15 minutes. */
  public static final Duration DEFAULT_DURATION = MIN_DURATION;

  /** Validates the catalog and copies its roles, keeping their order. */
  public RoleCatalog {
    Objects.requireNonNull(agent, "agent == null");
    defaultDuration = defaultDuration == null ? DEFAULT_DURATION : defaultDuration;
    checkDuration("defaults.duration", defaultDuration);
    Objects.requireNonNull(roles, "roles == null");
    Map<String, RoleSpec> copy = new LinkedHashMap<>();
    for (Map.Entry<String, RoleSpec> e : roles.entrySet()) {
      RoleSpec role = Objects.requireNonNull(e.getValue(), "role == null");
      if (!role.key().equals(e.getKey())) {
        throw new IllegalArgumentException("role stored under '" + e.getKey() + "' has key '" + role.key() + "'");
      }
      if (role.duration() != null) {
        checkDuration("roles." + role.key() + ".duration", role.duration());
        if (role.duration().compareTo(defaultDuration) > 0) {
          throw new IllegalArgumentException("roles." + role.key() + ".duration " + role.duration()
              + " is above the catalog's default ceiling " + defaultDuration);
        }
      }
      copy.put(e.getKey(), role);
    }
    roles = Collections.unmodifiableMap(copy);
  }

  private static void checkDuration(String where, Duration d) {
    if (d.compareTo(MIN_DURATION) < 0 || d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(where + " must be between 15m and 1h, was " + d);
    }
  }

  /** The role with this key, if the catalog has it. */
  public Optional<RoleSpec> role(String key) {
    return Optional.ofNullable(roles.get(key));
  }

  /** The role keys, in catalog order. */
  public List<String> roleKeys() {
    return List.copyOf(roles.keySet());
  }

  /** The lease length for {@code role}: its own, or the catalog default. */
  public Duration durationFor(RoleSpec role) {
    return role.duration() != null ? role.duration() : defaultDuration;
  }

  /** A builder for a catalog of this agent. */
  public static Builder builder(AgentIdentity agent) {
    return new Builder(agent);
  }

  /** Builds {@link RoleCatalog}s. Not thread-safe. */
  public static final class Builder {
    private final AgentIdentity agent;
    private Duration defaultDuration = DEFAULT_DURATION;
    private String defaultRegion;
    private final Map<String, RoleSpec> roles = new LinkedHashMap<>();

    private Builder(AgentIdentity agent) {
      this.agent = agent;
    }

    /** Sets the default lease length; default 15 minutes. */
    public Builder defaultDuration(Duration duration) { this.defaultDuration = duration; return this; }
    /** Sets the default region. */
    public Builder defaultRegion(String region) { this.defaultRegion = region; return this; }

    /**
     * Adds a role.
     *
     * @throws IllegalArgumentException when a role with the same key was already added
     */
    public Builder role(RoleSpec role) {
      if (roles.putIfAbsent(role.key(), role) != null) {
        throw new IllegalArgumentException("duplicate role key '" + role.key() + "'");
      }
      return this;
    }

    /** Builds the catalog. */
    public RoleCatalog build() {
      return new RoleCatalog(agent, defaultDuration, defaultRegion, roles);
    }
  }
}
