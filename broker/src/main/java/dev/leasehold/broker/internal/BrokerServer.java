package dev.leasehold.broker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.leasehold.AccessRequest;
import dev.leasehold.AgentSession;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.InvalidRequestException;
import dev.leasehold.approval.Durations;
import dev.leasehold.audit.AuditEvent;
import dev.leasehold.audit.AuditEventType;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.catalog.RoleSpec;
import dev.leasehold.internal.BrokerWire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** The broker's HTTP server: the agent API and the per-lease container-credentials endpoints. */
public final class BrokerServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Largest accepted request body. */
  static final int MAX_BODY = 16 * 1024;
  /** The longest a lease request waits: the longest approval deadline (1 h) plus STS and margin. */
  static final Duration MAX_WAIT = Duration.ofMinutes(65);
  /** Seconds a client has to send its request line, headers and body. */
  static final String MAX_REQUEST_SECONDS = "10";

  static {
    // The JDK server reads a request on a worker thread; without a limit a slow client holds that thread
    // for as long as it likes. The property is read once per JVM, when the server classes load.
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    }
  }

  /** What the server needs. */
  public record Settings(AwsSessionFactory sessions, AuditSink sink, Map<String, String> clients,
      InetSocketAddress listen, boolean exposed, Clock clock, Duration minimumRemaining, int threads) {
    @Override
    public String toString() {
      return "Settings[listen=" + listen + ", clients=" + clients.keySet() + "]";
    }
  }

  /** One lease handed to one client: its own id, credentials path and token. */
  private static final class Lease {
    final String id;
    final String client;
    final String token;
    final CompletableFuture<AgentSession> flow = new CompletableFuture<>();
    final AtomicBoolean ended = new AtomicBoolean();
    private AwsCredentialsProvider exported;

    Lease(String id, String client, String token) {
      this.id = id;
      this.client = client;
      this.token = token;
    }

    synchronized AwsCredentialsProvider credentials(AgentSession session) {
      if (exported == null) {
        exported = LeaseCredentials.export(session);
      }
      return exported;
    }
  }

  private final Settings settings;
  private final HttpServer server;
  private final ThreadPoolExecutor workers;
  private final ThreadPoolExecutor flows;
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final Map<AgentSession, Set<String>> holders = new IdentityHashMap<>();
  private final Map<String, byte[]> clientDigests = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final URI uri;

  private BrokerServer(Settings settings) throws IOException {
    this.settings = settings;
    settings.clients().forEach((name, token) -> clientDigests.put(name, sha256(token)));
    this.workers = pool("leasehold-broker-http", settings.threads(), 1024);
    this.flows = pool("leasehold-broker-flow", settings.threads(), 8192);
    this.server = HttpServer.create(settings.listen(), 256);
    server.setExecutor(workers);
    server.createContext("/", this::handle);
    InetSocketAddress bound = server.getAddress();
    String host = bound.getAddress().getHostAddress();
    this.uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort());
  }

  /** Binds and starts a server. */
  public static BrokerServer start(Settings settings) throws IOException {
    BrokerServer s = new BrokerServer(settings);
    if (settings.exposed()) {
      LOG.warn("The Leasehold broker listens on {}, which is not a loopback address: any host that can reach it "
          + "can try client tokens. Put it behind TLS and a firewall.", settings.listen());
    }
    s.server.start();
    return s;
  }

  public URI uri() {
    return uri;
  }

  private static ThreadPoolExecutor pool(String name, int threads, int queue) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queue), r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  // --------------------------------------------------------------------------------------------- routing

  private void handle(HttpExchange exchange) {
    boolean async = false;
    try {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      if (path.startsWith("/v1/credentials/")) {
        credentials(exchange, path.substring("/v1/credentials/".length()));
        return;
      }
      String client = authenticate(exchange);
      if (client == null) {
        return;
      }
      if (path.equals("/v1/roles") && method.equals("GET")) {
        roles(exchange);
      } else if (path.equals("/v1/leases") && method.equals("POST")) {
        async = requestLease(exchange, client);
      } else if (path.startsWith("/v1/leases/") && method.equals("GET")) {
        status(exchange, client, path.substring("/v1/leases/".length()));
      } else if (path.startsWith("/v1/leases/") && method.equals("DELETE")) {
        end(exchange, client, path.substring("/v1/leases/".length()));
      } else {
        error(exchange, 404, "NotFound", "No such endpoint: " + method + " " + path + ". The agent API is POST "
            + "/v1/leases, GET and DELETE /v1/leases/ID, GET /v1/roles.");
      }
    } catch (IOException e) {
      LOG.debug("A broker client went away: {}", e.toString());
    } catch (RuntimeException e) {
      LOG.warn("The broker failed on {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          e.toString());
      try {
        error(exchange, 500, "InternalError", "The broker failed while handling the request.");
      } catch (IOException ignored) {
        // the client is gone
      }
    } finally {
      if (!async) {
        exchange.close();
      }
    }
  }

  // -------------------------------------------------------------------------------------------------- auth

  /** The authenticated client's name, or null after answering 401. */
  private String authenticate(HttpExchange exchange) throws IOException {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String name = null;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      byte[] presented = sha256(header.substring(7).strip());
      for (Map.Entry<String, byte[]> e : clientDigests.entrySet()) {
        if (MessageDigest.isEqual(presented, e.getValue())) {
          name = e.getKey();
        }
      }
    }
    if (name == null) {
      unauthorized(exchange, header == null ? "missing client token" : "wrong client token");
    }
    return name;
  }

  private void unauthorized(HttpExchange exchange, String what) throws IOException {
    try {
      settings.sink().record(AuditEvent.builder(AuditEventType.REFUSED, settings.clock().instant())
          .requestId(UUID.randomUUID().toString()).agent(settings.sessions().catalog().agent().name())
          .outcome("unauthenticated").cause("broker: " + what + " on " + exchange.getRequestMethod() + " "
              + route(exchange.getRequestURI().getRawPath()) + " from " + exchange.getRemoteAddress().getAddress()
              .getHostAddress()).build());
    } catch (RuntimeException e) {
      LOG.warn("The broker could not audit a refused token: {}", e.toString());
    }
    byte[] body = "{\"Message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(401, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String route(String path) {
    String[] parts = path.split("/", 4);
    return parts.length >= 3 ? "/" + parts[1] + "/" + parts[2] : path.length() > 64 ? path.substring(0, 64) : path;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------------------------- roles

  private void roles(HttpExchange exchange) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode roles = body.putArray("roles");
    for (RoleSpec role : settings.sessions().catalog().roles().values()) {
      ObjectNode r = roles.addObject();
      r.put("key", role.key());
      r.put("description", role.description());
      r.put("environment", role.environment());
      r.put("duration", Durations.format(settings.sessions().catalog().durationFor(role)));
      ArrayNode actions = r.putArray("actions");
      role.permissions().stream().filter(st -> st.effect() == dev.leasehold.policy.Effect.ALLOW)
          .flatMap(st -> st.actions().stream()).distinct().forEach(actions::add);
    }
    json(exchange, 200, body);
  }

  // ------------------------------------------------------------------------------------------------ leases

  /** Returns true when the exchange is answered later, by the flow. */
  private boolean requestLease(HttpExchange exchange, String client) throws IOException {
    AccessRequest request;
    boolean waitForDecision;
    boolean renew;
    try {
      JsonNode body = readJson(exchange);
      request = accessRequest(body);
      waitForDecision = !body.has("wait") || body.get("wait").asBoolean(true);
      renew = !body.has("renew") || body.get("renew").asBoolean(true);
    } catch (InvalidRequestException | IllegalArgumentException e) {
      error(exchange, 400, "InvalidRequestException", e.getMessage());
      return false;
    }
    sweep();
    Lease lease = new Lease(LeaseBroker.id(), client, dev.leasehold.broker.LeaseBroker.newToken());
    leases.put(lease.id, lease);
    try {
      flows.execute(() -> runFlow(lease, request, renew));
    } catch (RejectedExecutionException e) {
      leases.remove(lease.id);
      error(exchange, 503, "ApprovalUnavailableException", "The broker has too many requests waiting; try again "
          + "in a minute.");
      return false;
    }
    if (!waitForDecision) {
      json(exchange, 202, grant(lease));
      return false;
    }
    lease.flow.orTimeout(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((session, failure) -> {
      try (exchange) {
        if (failure == null) {
          respondChunked(exchange, 201, grant(lease));
        } else {
          RuntimeException e = unwrap(failure);
          leases.remove(lease.id);
          ObjectNode body = JSON.createObjectNode();
          BrokerWire.describe(e, body);
          respondChunked(exchange, BrokerWire.status(e), body);
        }
      } catch (IOException | RuntimeException e) {
        LOG.info("The client of lease {} went away before the answer; the lease is ended.", lease.id);
        release(lease);
      }
    });
    return true;
  }

  private void runFlow(Lease lease, AccessRequest request, boolean renew) {
    try {
      AgentSession session = settings.sessions().open(request);
      Duration left = remaining(session);
      if (left.compareTo(settings.minimumRemaining()) < 0) {
        // A live lease of this task that consumers can no longer use: end it; a new one is approved again.
        session.close();
        if (!renew) {
          throw new InvalidRequestException("The lease for this task on role '" + session.roleKey() + "' has "
              + Durations.human(left) + " left (it expires at " + session.expiresAt() + "), under the "
              + Durations.human(settings.minimumRemaining()) + " AWS SDKs need. Leasehold never renews a lease "
              + "silently: a new lease needs a new approval. Ask again to prompt the human.");
        }
        session = settings.sessions().open(request);
      }
      attach(lease, session);
      lease.flow.complete(session);
    } catch (RuntimeException e) {
      lease.flow.completeExceptionally(e);
    }
  }

  private Duration remaining(AgentSession session) {
    return Duration.between(settings.clock().instant(), session.expiresAt());
  }

  private void attach(Lease lease, AgentSession session) {
    synchronized (holders) {
      holders.computeIfAbsent(session, s -> new LinkedHashSet<>()).add(lease.id);
    }
    if (lease.ended.get()) {
      release(lease);
    }
  }

  /** Ends this client's hold on the lease; the session ends when no lease holds it. */
  private void release(Lease lease) {
    lease.ended.set(true);
    leases.remove(lease.id);
    AgentSession session = lease.flow.isDone() && !lease.flow.isCompletedExceptionally() ? lease.flow.join() : null;
    if (session == null) {
      return;
    }
    boolean last;
    synchronized (holders) {
      Set<String> ids = holders.get(session);
      if (ids == null || !ids.remove(lease.id)) {
        return;
      }
      last = ids.isEmpty();
      if (last) {
        holders.remove(session);
      }
    }
    if (last) {
      session.close();
    }
  }

  /** Forgets leases whose sessions have ended by themselves. */
  private void sweep() {
    for (Lease lease : leases.values()) {
      if (lease.flow.isDone() && !lease.flow.isCompletedExceptionally() && !lease.flow.join().isOpen()) {
        release(lease);
      }
    }
  }

  private void status(HttpExchange exchange, String client, String id) throws IOException {
    Lease lease = leases.get(id);
    if (lease == null || !lease.client.equals(client)) {
      error(exchange, 404, "NotFound", "No lease " + id + " for this client: it ended, was refused, or was never "
          + "asked for.");
      return;
    }
    if (lease.flow.isCompletedExceptionally()) {
      leases.remove(id, lease); // a failure is reported once, then forgotten
    }
    json(exchange, 200, grant(lease));
  }

  private void end(HttpExchange exchange, String client, String id) throws IOException {
    Lease lease = leases.get(id);
    if (lease != null && lease.client.equals(client)) {
      release(lease);
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("id", id);
    body.put("status", "ended");
    json(exchange, 200, body);
  }

  private ObjectNode grant(Lease lease) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", lease.id);
    if (!lease.flow.isDone()) {
      body.put("status", "pending");
      return body;
    }
    AgentSession session;
    try {
      session = lease.flow.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      body.put("status", "failed");
      BrokerWire.describe(unwrap(e.getCause() == null ? e : e.getCause()), body.putObject("failure"));
      return body;
    }
    body.put("status", lease.ended.get() || !session.isOpen() ? "ended" : "active");
    body.put("role", session.roleKey());
    body.put("roleArn", session.roleArn());
    body.put("approver", session.approver());
    ArrayNode intent = body.putArray("intent");
    session.intent().forEach(intent::add);
    body.put("expiresAt", session.expiresAt().toString());
    body.put("credentialsUri", uri + "/v1/credentials/" + lease.id);
    body.put("credentialsToken", lease.token);
    return body;
  }

  // ----------------------------------------------------------------------------------------- credentials

  private void credentials(HttpExchange exchange, String id) throws IOException {
    Lease lease = leases.get(id);
    String presented = exchange.getRequestHeaders().getFirst("Authorization");
    byte[] expected = sha256(lease == null ? LeaseBroker.id() : lease.token);
    if (presented == null || !MessageDigest.isEqual(sha256(presented.strip()), expected) || lease == null) {
      unauthorized(exchange, presented == null ? "missing lease token" : "wrong lease token");
      return;
    }
    if (!lease.flow.isDone() || lease.flow.isCompletedExceptionally()) {
      message(exchange, 503, "Lease " + id + " has not been approved (yet); read its status on the agent API.");
      return;
    }
    AgentSession session = lease.flow.join();
    Instant expires = session.expiresAt();
    if (lease.ended.get() || !session.isOpen()) {
      message(exchange, 403, "Leasehold lease " + id + " on role '" + session.roleKey() + "' has ended. Leasehold "
          + "never renews a lease silently: a new lease needs a new approval. Ask again (run the command again under "
          + "leasehold exec).");
      return;
    }
    Duration left = remaining(session);
    if (left.compareTo(settings.minimumRemaining()) < 0) {
      message(exchange, 403, "Leasehold lease " + id + " on role '" + session.roleKey() + "' has " + Durations.human(left)
          + " left (it expires at " + expires + "), under the " + Durations.human(settings.minimumRemaining())
          + " AWS SDKs need (botocore refreshes 10 minutes before expiry). A new lease needs a new approval: "
          + "ask again (run the command again under leasehold exec), or give the role a longer duration such as 25m.");
      return;
    }
    AwsCredentials credentials = lease.credentials(session).resolveCredentials();
    if (!(credentials instanceof AwsSessionCredentials lc)) {
      message(exchange, 500, "The lease holds no session token.");
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("AccessKeyId", lc.accessKeyId());
    body.put("SecretAccessKey", lc.secretAccessKey());
    body.put("Token", lc.sessionToken());
    body.put("Expiration", expires.toString());
    String[] arn = session.roleArn().split(":");
    if (arn.length > 4 && arn[4].matches("\\d{12}")) {
      body.put("AccountId", arn[4]);
    }
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    json(exchange, 200, body);
  }

  // -------------------------------------------------------------------------------------------- requests

  private static JsonNode readJson(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_BODY) {
      throw new InvalidRequestException("The request body is larger than " + MAX_BODY + " bytes.");
    }
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new InvalidRequestException("The request body is larger than " + MAX_BODY + " bytes.");
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new InvalidRequestException("The request body must be a JSON object.");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new InvalidRequestException("The request body is not valid JSON (at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ").");
    }
  }

  private static final Set<String> FIELDS = Set.of("role", "reason", "intent", "resources", "duration", "wait",
      "renew");

  private static AccessRequest accessRequest(JsonNode body) {
    body.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        throw new InvalidRequestException("Unknown field '" + (f.length() > 64 ? f.substring(0, 64) : f) + "'; a lease "
            + "request has role, reason, intent, resources, duration and wait.");
      }
    });
    AccessRequest.Builder b = AccessRequest.builder().role(string(body, "role", true)).reason(string(body, "reason", true));
    b.intent(strings(body, "intent"));
    b.resources(strings(body, "resources"));
    String duration = string(body, "duration", false);
    if (duration != null) {
      b.duration(Durations.parse(duration).orElseThrow(() -> new InvalidRequestException("duration '"
          + (duration.length() > 32 ? duration.substring(0, 32) : duration) + "' must be written like 25m, 1500s or PT25M.")));
    }
    for (String flag : new String[] {"wait", "renew"}) {
      if (body.has(flag) && !body.get(flag).isBoolean()) {
        throw new InvalidRequestException(flag + " must be true or false.");
      }
    }
    return b.build();
  }

  private static String string(JsonNode body, String field, boolean required) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new InvalidRequestException("The lease request has no '" + field + "'.");
      }
      return null;
    }
    if (!n.isTextual()) {
      throw new InvalidRequestException("'" + field + "' must be a string.");
    }
    return n.asText();
  }

  private static java.util.List<String> strings(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return java.util.List.of();
    }
    if (!n.isArray() || n.size() > 64) {
      throw new InvalidRequestException("'" + field + "' must be an array of at most 64 strings.");
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    for (JsonNode item : n) {
      if (!item.isTextual()) {
        throw new InvalidRequestException("'" + field + "' must be an array of strings.");
      }
      out.add(item.asText());
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------- responses

  private static RuntimeException unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof TimeoutException) {
      return new dev.leasehold.ApprovalTimedOutException("The broker waited " + Durations.human(MAX_WAIT) + " "
          + "without an answer. Ask again only if the task is still needed.");
    }
    return c instanceof RuntimeException r ? r : new IllegalStateException(c);
  }

  private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", type);
    body.put("message", message);
    json(exchange, status, body);
  }

  /** The container-credentials error shape. */
  private static void message(HttpExchange exchange, int status, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("Message", message);
    json(exchange, status, body);
  }

  private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * Answers a request that waited: headers, then the body in a separate chunk, so that a client that hung
   * up makes the second write fail and the lease is ended rather than left behind.
   */
  private static void respondChunked(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, 0);
    OutputStream out = exchange.getResponseBody();
    out.flush();
    out.write(bytes);
    out.flush();
    out.close();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    for (Lease lease : leases.values()) {
      release(lease);
    }
    flows.shutdownNow();
    workers.shutdownNow();
  }

  /** Random ids for leases. */
  static final class LeaseBroker {
    private LeaseBroker() {}

    static String id() {
      return dev.leasehold.broker.LeaseBroker.newToken().substring(0, 22);
    }
  }
}
