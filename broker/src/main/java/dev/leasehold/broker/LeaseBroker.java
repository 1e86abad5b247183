package dev.leasehold.broker;

import dev.leasehold.AwsSessionFactory;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.broker.internal.BrokerServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The broker: runs Leasehold's request flow for agents that must hold no AWS identity, in any language.
 * It holds the base identity, the approval channel and the audit trail (through the
 * {@link AwsSessionFactory} it is given) and serves, on loopback:
 *
 * <ul>
 *   <li>the agent API (HTTP/JSON, {@code Authorization: Bearer <client token>}): {@code POST /v1/leases}
 *       asks for a lease and waits for the human (or, with {@code "wait": false}, returns a pending handle),
 *       {@code GET /v1/leases/ID} reads it, {@code DELETE /v1/leases/ID} ends it, {@code GET /v1/roles}
 *       lists the catalog's roles;</li>
 *   <li>one container-credentials endpoint per lease ({@code GET /v1/credentials/ID} with the lease's own
 *       token as {@code Authorization}), in the format every AWS SDK and the AWS CLI read unmodified.</li>
 * </ul>
 *
 * <pre>{@code
 * try (LeaseBroker broker = LeaseBroker.builder()
 *         .sessions(factory)            // the AwsSessionFactory holding the base identity and channel
 *         .auditSink(sink)              // the same sink the factory writes to
 *         .client("hermes", token)      // one token per agent, at least 128 random bits
 *         .start()) {
 *   System.out.println(broker.uri());
 * }
 * }</pre>
 *
 * <p>The rules: client tokens are compared in constant time, a missing or wrong token gets HTTP 401 with no
 * detail and an audit record; the broker binds loopback only unless {@link Builder#allowNonLoopback()} is
 * called; a refused request gets the same typed error and message the library gives, before any human is
 * asked; a lease whose client went away while waiting is ended, never left behind; the same lease is served
 * until it has less than {@link Builder#minimumRemaining(Duration)} left (10 minutes by default, what
 * botocore needs), after which the credentials endpoint answers with an error saying a new approval is
 * needed, never with a new prompt. Requests whose headers and body take longer than 10 seconds to arrive
 * are cut off (JDK HTTP server {@code sun.net.httpserver.maxReqTime}), so slow clients cannot starve others.
 */
public final class LeaseBroker implements AutoCloseable {
  /** The least a lease must have left to be served by default: 10 minutes (botocore's mandatory refresh). */
  public static final Duration DEFAULT_MINIMUM_REMAINING = Duration.ofMinutes(10);
  /** Shortest accepted client token, in characters (a generated token has 43). */
  public static final int MIN_TOKEN_LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final BrokerServer server;

  private LeaseBroker(BrokerServer server) {
    this.server = server;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A new random token of 256 bits, URL-safe Base64 (43 characters). */
  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The broker's base URL, such as {@code http://127.0.0.1:8512}. */
  public URI uri() {
    return server.uri();
  }

  /** Stops serving and ends every lease handed out through the broker. Idempotent. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "LeaseBroker[" + uri() + "]";
  }

  /** Configures a {@link LeaseBroker}. Required: {@link #sessions}, {@link #auditSink} and at least one client. */
  public static final class Builder {
    private AwsSessionFactory sessions;
    private AuditSink auditSink;
    private final Map<String, String> clients = new LinkedHashMap<>();
    private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private boolean allowNonLoopback;
    private Clock clock = Clock.systemUTC();
    private Duration minimumRemaining = DEFAULT_MINIMUM_REMAINING;
    private int threads = 64;

    private Builder() {}

    /** The factory that runs the flow: base identity, approval channel, audit trail. The broker does not close it. */
    public Builder sessions(AwsSessionFactory factory) {
      this.sessions = Objects.requireNonNull(factory, "factory == null");
      return this;
    }

    /** Where the broker's own events (refused tokens) go: the same sink the factory writes to. */
    public Builder auditSink(AuditSink sink) {
      this.auditSink = Objects.requireNonNull(sink, "sink == null");
      return this;
    }

    /** A client token, for a client named {@code agent}. */
    public Builder clientToken(String token) {
      return client("agent", token);
    }

    /**
     * A client and its token (at least {@value #MIN_TOKEN_LENGTH} characters; use {@link #newToken()}).
     *
     * @throws IllegalArgumentException for a short token, or a name or token used twice
     */
    public Builder client(String name, String token) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(token, "token == null");
      if (!name.matches("[A-Za-z0-9][\\w.@-]{0,63}")) {
        throw new IllegalArgumentException("A client name is 1-64 letters, digits and . _ @ -, was '" + name + "'");
      }
      String t = token.strip();
      if (t.length() < MIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException("The token of client '" + name + "' has " + t.length() + " characters; "
            + "use at least " + MIN_TOKEN_LENGTH + " random characters (LeaseBroker.newToken() makes one).");
      }
      if (clients.containsKey(name) || clients.containsValue(t)) {
        throw new IllegalArgumentException("Client '" + name + "' or its token was given twice.");
      }
      clients.put(name, t);
      return this;
    }

    /** Where to listen; default an ephemeral port on the loopback address. */
    public Builder listen(InetSocketAddress address) {
      this.listen = Objects.requireNonNull(address, "address == null");
      return this;
    }

    /** Allows a non-loopback listen address (the broker logs a warning): only behind TLS and a firewall. */
    public Builder allowNonLoopback() {
      this.allowNonLoopback = true;
      return this;
    }

    /** The clock used to judge what a lease has left; the factory's clock. Default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** The least time a lease must have left to be served; default 10 minutes, between 1 and 14 minutes. */
    public Builder minimumRemaining(Duration remaining) {
      Objects.requireNonNull(remaining, "remaining == null");
      if (remaining.compareTo(Duration.ofMinutes(1)) < 0 || remaining.compareTo(Duration.ofMinutes(14)) > 0) {
        throw new IllegalArgumentException("minimumRemaining must be between 1 and 14 minutes, was " + remaining);
      }
      this.minimumRemaining = remaining;
      return this;
    }

    /** How many requests are handled at once (each waiting request holds one); default 64. */
    public Builder threads(int threads) {
      if (threads < 2 || threads > 1024) {
        throw new IllegalArgumentException("threads must be between 2 and 1024, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Binds and starts the broker.
     *
     * @throws IllegalStateException when a required setting is missing, or the address is not loopback
     *     without {@link #allowNonLoopback()}
     * @throws UncheckedIOException when the address cannot be bound
     */
    public LeaseBroker start() {
      if (sessions == null) {
        throw new IllegalStateException("sessions is required: the AwsSessionFactory that runs the flow");
      }
      if (auditSink == null) {
        throw new IllegalStateException("auditSink is required: the sink the factory writes to");
      }
      if (clients.isEmpty()) {
        throw new IllegalStateException("at least one client token is required: clientToken(LeaseBroker.newToken())");
      }
      InetAddress address = listen.getAddress();
      boolean loopback = address != null && address.isLoopbackAddress();
      if (!loopback && !allowNonLoopback) {
        throw new IllegalStateException("The broker listens on loopback only; " + listen + " is not a loopback "
            + "address. Use 127.0.0.1, or allowNonLoopback() behind TLS and a firewall.");
      }
      try {
        return new LeaseBroker(BrokerServer.start(new BrokerServer.Settings(sessions, auditSink, Map.copyOf(clients),
            listen, !loopback, clock, minimumRemaining, threads)));
      } catch (IOException e) {
        throw new UncheckedIOException("The broker could not listen on " + listen + ": " + e.getMessage(), e);
      }
    }
  }
}
