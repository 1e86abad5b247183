package dev.leasehold.catalog;

import dev.leasehold.catalog.internal.CatalogReader;
import dev.leasehold.catalog.internal.TrustRule;
import java.nio.file.Path;
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
 * {@link #MAX_DURATION one hour} (the cap STS puts on role chaining, and the least a role's
 * {@code MaxSessionDuration} can be, so any lease in that range fits every role); a role with
 * {@code mfa: none} trusts the broker's identity, never the agent's ({@link TrustPrincipal}).
 * {@code defaults.duration} is the lease length of roles that set none; a role may set a longer one, for
 * consumers outside the JVM that need more than 15 minutes (botocore cannot use a credential with under 10
 * minutes left, so {@code duration: 25m} gives boto3 and the AWS CLI 15 usable minutes). An agent can never
 * reach a role that is not in its catalog.
 *
 * <p>Load one from a file with {@link #load(Path)} (YAML or JSON, the same shape; the format follows the
 * file extension), from text with {@link #parse(String, Format)}, or with ARNs merged from
 * {@code terraform output -json} with {@link #load(Path, Path)}. Loading is strict: unknown keys, bad ARNs,
 * out-of-range durations, duplicate keys, malformed statements and missing ARNs are all refused with a
 * {@link CatalogInvalidException} listing every problem with its file, line and column.
 *
 * <p>Immutable and thread-safe.
 *
 * @param agent the agent's base identity
 * @param defaultDuration the lease length for roles that set none
 * @param defaultRegion the default AWS region, or null
 * @param roles the roles by key, in catalog order
 * @param broker the broker's identity, which roles with {@code trustPrincipal: broker} trust, or null
 */
public record RoleCatalog(AgentIdentity agent, Duration defaultDuration, String defaultRegion, Map<String, RoleSpec> roles,
    BrokerIdentity broker) {

  /** The shortest lease STS grants: 15 minutes. */
  public static final Duration MIN_DURATION = Duration.ofMinutes(15);
  /** The longest lease Leasehold grants: 1 hour (also STS's cap for role chaining). */
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
      String trust = TrustRule.problem(role, broker);
      if (trust != null) {
        throw new IllegalArgumentException(trust);
      }
      if (role.duration() != null) {
        checkDuration("roles." + role.key() + ".duration", role.duration());
      }
      copy.put(e.getKey(), role);
    }
    roles = Collections.unmodifiableMap(copy);
  }

  /** A catalog without a broker identity. */
  public RoleCatalog(AgentIdentity agent, Duration defaultDuration, String defaultRegion, Map<String, RoleSpec> roles) {
    this(agent, defaultDuration, defaultRegion, roles, null);
  }

  private static void checkDuration(String where, Duration d) {
    if (d.compareTo(MIN_DURATION) < 0 || d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(where + " must be between 15m and 1h, was " + d);
    }
  }

  /** The text formats of a catalog file; both have the same shape. */
  public enum Format {
    /** YAML ({@code .yaml}, {@code .yml}). */
    YAML,
    /** JSON ({@code .json}). */
    JSON
  }

  /**
   * Loads a catalog file; {@code .yaml}/{@code .yml} is read as YAML, {@code .json} as JSON.
   *
   * @throws CatalogInvalidException listing every problem ({@code FILE:LINE:COL: message}), including a file
   *     that cannot be read
   */
  public static RoleCatalog load(Path catalog) {
    return CatalogReader.load(catalog, null);
  }

  /**
   * Loads a catalog file and takes ARNs from a {@code terraform output -json} file: a role without
   * {@code arn} gets {@code role_arns.value[KEY]}, and an agent without {@code userArn} gets
   * {@code agent_user_arn.value}. When both files give an ARN they must agree. Other outputs and role keys
   * the catalog does not define are ignored. Problems in either file name that file.
   *
   * @throws CatalogInvalidException listing every problem in both files
   */
  public static RoleCatalog load(Path catalog, Path terraformOutput) {
    return CatalogReader.load(catalog, Objects.requireNonNull(terraformOutput, "terraformOutput == null"));
  }

  /**
   * Parses catalog text; problems name the source {@code catalog.yaml} or {@code catalog.json}.
   *
   * @throws CatalogInvalidException listing every problem
   */
  public static RoleCatalog parse(String text, Format format) {
    return parse(text, format, format == Format.YAML ? "catalog.yaml" : "catalog.json");
  }

  /**
   * Parses catalog text; problems name {@code source}.
   *
   * @throws CatalogInvalidException listing every problem
   */
  public static RoleCatalog parse(String text, Format format, String source) {
    return CatalogReader.parse(Objects.requireNonNull(text, "text == null"),
        Objects.requireNonNull(format, "format == null"), Objects.requireNonNull(source, "source == null"));
  }

  /**
   * The keys of the roles (in catalog order) whose permissions allow a whole intent: every action on
   * every resource, or, when {@code resources} is empty, every action on at least one resource the role
   * names. See {@link RoleSpec#allowsIntent(List, List)}. Used to refuse an out-of-scope request before a
   * human is asked, and to tell the agent which roles would fit.
   */
  public List<String> rolesAllowing(List<String> actions, List<String> resources) {
    Objects.requireNonNull(actions, "actions == null");
    Objects.requireNonNull(resources, "resources == null");
    return roles.values().stream().filter(r -> r.allowsIntent(actions, resources)).map(RoleSpec::key).toList();
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
    private BrokerIdentity broker;

    private Builder(AgentIdentity agent) {
      this.agent = agent;
    }

    /** Sets the default lease length; default 15 minutes. */
    public Builder defaultDuration(Duration duration) { this.defaultDuration = duration; return this; }
    /** Sets the default region. */
    public Builder defaultRegion(String region) { this.defaultRegion = region; return this; }
    /** Sets the broker's identity, which roles with {@code trustPrincipal: broker} trust. */
    public Builder broker(BrokerIdentity broker) { this.broker = broker; return this; }

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

    /**
     * Builds the catalog.
     *
     * @throws IllegalArgumentException when a setting breaks a catalog rule, such as a role with
     *     {@code mfa: none} that trusts the agent
     */
    public RoleCatalog build() {
      return new RoleCatalog(agent, defaultDuration, defaultRegion, roles, broker);
    }
  }
}
