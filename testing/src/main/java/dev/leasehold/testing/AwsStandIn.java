package dev.leasehold.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * STS and S3 on a loopback port, served by the JDK's HTTP server in the wire formats of {@link AwsWire}, so real AWS
 * SDK clients, the AWS CLI and boto3 talk to it unmodified and nothing leaves the machine. Point both the STS
 * endpoint and the S3 endpoint (path style) at {@link #endpoint()}.
 *
 * <pre>{@code
 * try (AwsStandIn aws = AwsStandIn.builder().role(roleArn, true).mfaSerial(serial).start()) {
 *   AwsSessionFactory leasehold = AwsSessionFactory.builder()...stsEndpoint(aws.endpoint()).build();
 *   ...
 *   assertThat(aws.assumeRoles()).singleElement().satisfies(f -> assertThat(f).containsEntry("DurationSeconds", "900"));
 * }
 * }</pre>
 *
 * <p><b>What it stands in for.</b>
 * <ul>
 *   <li>STS ({@code POST /}, form-encoded): {@code AssumeRole}, issuing fresh credentials (or the planted ones,
 *       see {@link Builder#credentials}) that expire {@code DurationSeconds} after the {@link Builder#clock clock}'s
 *       now. Like STS behind Leasehold's trust policies it refuses, with the real codes and status codes, an
 *       AssumeRole without {@code DurationSeconds} in 900..3600 (400 {@code ValidationError}); and, once roles are
 *       {@linkplain Builder#role registered}, one for any other role (403 {@code AccessDenied}) and, for a role that
 *       requires MFA, one without the agent's {@code SerialNumber} (403, {@link AwsWire#MFA_UNVERIFIABLE}), with a
 *       {@code TokenCode} that is not six digits (400, {@link AwsWire#TOKEN_CODE_MALFORMED}) or with a code used
 *       before (403, {@link AwsWire#MFA_INVALID}). {@code GetCallerIdentity} answers only a request signed with
 *       credentials it issued (else 403 {@code InvalidClientTokenId}).
 *   <li>S3 (path style, {@code /bucket/key}): PutObject (plain or {@code aws-chunked}), GetObject, DeleteObject and
 *       ListObjectsV2 on an in-memory store, only for requests signed with credentials it issued (else 403
 *       {@code InvalidAccessKeyId}). A GetObject of a missing key is 404 {@code NoSuchKey}, unless
 *       {@link Builder#anyObject} gives every key a body.
 *   <li>Failures a test scripts: {@link #failAssumeRole} answers the next AssumeRole calls with any STS error
 *       (throttling, MFA refusals, 5xx).
 * </ul>
 *
 * <p><b>What it records</b>, so tests assert what reached the wire: every AssumeRole's form parameters
 * ({@link #assumeRoles()}, the {@code TokenCode} replaced by its length, since it is a secret), the access key id
 * that signed every GetCallerIdentity ({@link #callerIdentityKeys()}), and every S3 request as
 * {@code METHOD /bucket/key} ({@link #s3Requests()}), in memory for its lifetime. It never records a secret key or a
 * session token.
 *
 * <p>Thread-safe. The caller closes it, which stops the server at once.
 */
public final class AwsStandIn implements AutoCloseable {
  /** The prefix of every access key id it issues (20 characters in all, like AWS's), so tests can look for leaks. */
  public static final String KEY_PREFIX = "ASIASTANDIN";
  /** The prefix of every secret access key it issues. */
  public static final String SECRET_PREFIX = "standInSecret/";
  /** The prefix of every session token it issues. */
  public static final String TOKEN_PREFIX = "standInSessionToken/";

  static {
    // Without TCP_NODELAY, Nagle's algorithm and delayed ACKs add ~40 ms to every small response. The JDK's server
    // reads this once, when the first server in the JVM starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final Map<String, Boolean> mfaByRoleArn;
  private final String mfaSerial;
  private final String callerArn;
  private final String[] planted;
  private final byte[] anyObject;
  private final Set<String> usedCodes = ConcurrentHashMap.newKeySet();
  private final Map<String, Lease> issued = new ConcurrentHashMap<>(); // access key id -> lease
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>(); // "bucket/key" -> content
  private final List<Map<String, String>> assumeRoles = Collections.synchronizedList(new ArrayList<>());
  private final List<String> callerIdentityKeys = Collections.synchronizedList(new ArrayList<>());
  private final List<String> s3Requests = Collections.synchronizedList(new ArrayList<>());
  private final Deque<Failure> failures = new ArrayDeque<>();
  private final SecureRandom random = new SecureRandom();

  private record Lease(String sessionToken, String arn, String userId) {
    @Override
    public String toString() {
      return "Lease[" + arn + "]";
    }
  }

  private record Failure(int status, String type, String code, String message) {}

  private AwsStandIn(Builder b) throws IOException {
    this.clock = b.clock;
    this.mfaByRoleArn = Map.copyOf(b.roles);
    this.mfaSerial = b.mfaSerial;
    this.callerArn = b.callerArn;
    this.planted = b.planted;
    this.anyObject = b.anyObject;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), b.threads * 16);
    this.executor = Executors.newFixedThreadPool(b.threads, r -> {
      Thread t = new Thread(r, "leasehold-aws-stand-in");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    if (planted != null) {
      issued.put(planted[0], new Lease(planted[2], "arn:aws:sts::123456789012:assumed-role/planted/planted",
          "AROASTANDIN0000000000:planted"));
    }
  }

  /** A builder; {@link Builder#start()} starts the stand-in. */
  public static Builder builder() {
    return new Builder();
  }

  /** A stand-in with the defaults: any role, no MFA check, fresh credentials per AssumeRole, system clock. */
  public static AwsStandIn start() {
    return builder().start();
  }

  /** The base URL of both STS and S3 (path style), on the loopback address. */
  public URI endpoint() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
        + server.getAddress().getPort());
  }

  /** Every AssumeRole that reached it, in order: its form parameters, the {@code TokenCode} replaced by its length. */
  public List<Map<String, String>> assumeRoles() {
    synchronized (assumeRoles) {
      return List.copyOf(assumeRoles);
    }
  }

  /** The access key id that signed every GetCallerIdentity that reached it, in order. */
  public List<String> callerIdentityKeys() {
    synchronized (callerIdentityKeys) {
      return List.copyOf(callerIdentityKeys);
    }
  }

  /** Every S3 request that reached it, in order, as {@code METHOD /bucket/key} (the query left out). */
  public List<String> s3Requests() {
    synchronized (s3Requests) {
      return List.copyOf(s3Requests);
    }
  }

  /** The content of an object, as PutObject left it, or {@code null}. */
  public byte[] object(String bucket, String key) {
    byte[] content = objects.get(bucket + "/" + key);
    return content == null ? null : content.clone();
  }

  /**
   * Answers the next {@code times} AssumeRole calls with this STS error instead of credentials (after recording
   * them), e.g. {@code failAssumeRole(1, 400, "Throttling", AwsWire.THROTTLED)} or
   * {@code failAssumeRole(1, 403, "AccessDenied", AwsWire.MFA_INVALID)}. A 5xx status is sent with {@code Type}
   * Receiver, anything else with Sender. Calls add up, answered in the order given.
   *
   * @return this stand-in
   */
  public AwsStandIn failAssumeRole(int times, int status, String code, String message) {
    if (times < 1 || status < 400 || status > 599) {
      throw new IllegalArgumentException("times must be at least 1 and status an HTTP error status, were " + times
          + " and " + status);
    }
    Failure failure = new Failure(status, status >= 500 ? "Receiver" : "Sender", Objects.requireNonNull(code, "code"),
        Objects.requireNonNull(message, "message"));
    synchronized (failures) {
      for (int i = 0; i < times; i++) {
        failures.add(failure);
      }
    }
    return this;
  }

  /** Stops the server at once and its threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        if ("POST".equals(exchange.getRequestMethod()) && "/".equals(exchange.getRequestURI().getPath())
            && contentType.startsWith("application/x-www-form-urlencoded")) {
          sts(exchange, AwsWire.parseForm(new String(body, StandardCharsets.UTF_8)));
        } else {
          s3(exchange, body);
        }
      } catch (RuntimeException e) {
        respond(exchange, 500, AwsWire.S3_CONTENT_TYPE, AwsWire.s3Error("InternalError", "stand-in: " + e));
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ STS

  private void sts(HttpExchange exchange, Map<String, String> form) throws IOException {
    String action = String.valueOf(form.get("Action"));
    if ("GetCallerIdentity".equals(action)) {
      callerIdentity(exchange);
    } else if ("AssumeRole".equals(action)) {
      assumeRole(exchange, form);
    } else {
      stsError(exchange, 400, "InvalidAction", "The STS stand-in serves only AssumeRole and GetCallerIdentity.");
    }
  }

  private void assumeRole(HttpExchange exchange, Map<String, String> form) throws IOException {
    Map<String, String> seen = new LinkedHashMap<>(form);
    seen.computeIfPresent("TokenCode", (k, v) -> v.length() + " characters");
    assumeRoles.add(Collections.unmodifiableMap(seen));
    Failure failure;
    synchronized (failures) {
      failure = failures.poll();
    }
    if (failure != null) {
      respond(exchange, failure.status(), AwsWire.STS_CONTENT_TYPE,
          AwsWire.queryError(AwsWire.STS_NAMESPACE, failure.type(), failure.code(), failure.message()));
      return;
    }
    String roleArn = String.valueOf(form.get("RoleArn"));
    if (!mfaByRoleArn.isEmpty() && !mfaByRoleArn.containsKey(roleArn)) {
      stsError(exchange, 403, "AccessDenied", "User: " + callerArn + " is not authorized to perform: sts:AssumeRole "
          + "on resource: " + roleArn);
      return;
    }
    String duration = form.get("DurationSeconds");
    if (duration == null || !duration.matches("\\d{3,4}") || Integer.parseInt(duration) < 900
        || Integer.parseInt(duration) > 3600) {
      stsError(exchange, 400, "ValidationError", "DurationSeconds must be given, between 900 and the role's "
          + "MaxSessionDuration of 3600 (the stand-in insists: Leasehold always sends it).");
      return;
    }
    if (mfaByRoleArn.getOrDefault(roleArn, false)) {
      String code = form.get("TokenCode");
      if (!Objects.equals(form.get("SerialNumber"), mfaSerial) || code == null) {
        stsError(exchange, 403, "AccessDenied", AwsWire.MFA_UNVERIFIABLE);
        return;
      }
      if (!code.matches("\\d{6}")) {
        stsError(exchange, 400, "ValidationError", AwsWire.TOKEN_CODE_MALFORMED);
        return;
      }
      if (!usedCodes.add(code)) {
        stsError(exchange, 403, "AccessDenied", AwsWire.MFA_INVALID);
        return;
      }
    }
    String accessKey = planted != null ? planted[0]
        : KEY_PREFIX + token(9).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "X").substring(0, 9);
    String secret = planted != null ? planted[1] : SECRET_PREFIX + token(24);
    String sessionToken = planted != null ? planted[2] : TOKEN_PREFIX + token(48);
    String[] arnParts = roleArn.split(":", 6);
    String account = arnParts.length > 4 ? arnParts[4] : "123456789012";
    String session = form.getOrDefault("RoleSessionName", "leasehold");
    String arn = "arn:aws:sts::" + account + ":assumed-role/" + roleArn.substring(roleArn.lastIndexOf('/') + 1) + "/"
        + session;
    String userId = "AROASTANDIN0000000000:" + session;
    issued.put(accessKey, new Lease(sessionToken, arn, userId));
    respond(exchange, 200, AwsWire.STS_CONTENT_TYPE, AwsWire.assumeRoleResponse(arn, userId,
        form.get("SourceIdentity"), accessKey, secret, sessionToken,
        clock.instant().plusSeconds(Long.parseLong(duration))));
  }

  private void callerIdentity(HttpExchange exchange) throws IOException {
    String accessKey = AwsWire.signingAccessKeyId(exchange.getRequestHeaders().getFirst("Authorization"));
    callerIdentityKeys.add(accessKey);
    Lease lease = lease(exchange, accessKey);
    if (lease == null) {
      stsError(exchange, 403, "InvalidClientTokenId", AwsWire.INVALID_CLIENT_TOKEN);
      return;
    }
    respond(exchange, 200, AwsWire.STS_CONTENT_TYPE,
        AwsWire.getCallerIdentityResponse(lease.arn(), lease.userId(), lease.arn().split(":")[4]));
  }

  private void stsError(HttpExchange exchange, int status, String code, String message) throws IOException {
    respond(exchange, status, AwsWire.STS_CONTENT_TYPE, AwsWire.stsError(code, message));
  }

  /** The lease that signed the request, if the session token matches; else {@code null}. */
  private Lease lease(HttpExchange exchange, String accessKey) {
    Lease lease = issued.get(accessKey);
    String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
    return lease != null && lease.sessionToken().equals(token) ? lease : null;
  }

  // ------------------------------------------------------------------------------------------------- S3

  private void s3(HttpExchange exchange, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    s3Requests.add(method + " " + path);
    if (lease(exchange, AwsWire.signingAccessKeyId(exchange.getRequestHeaders().getFirst("Authorization"))) == null) {
      respond(exchange, 403, AwsWire.S3_CONTENT_TYPE, AwsWire.s3Error("InvalidAccessKeyId",
          AwsWire.S3_UNKNOWN_ACCESS_KEY));
      return;
    }
    String[] parts = path.replaceFirst("^/", "").split("/", 2);
    if (parts.length < 2 || parts[1].isEmpty()) {
      if ("GET".equals(method) && !parts[0].isEmpty()) {
        list(exchange, parts[0]);
      } else {
        notImplemented(exchange);
      }
      return;
    }
    String key = parts[0] + "/" + parts[1];
    switch (method) {
      case "PUT" -> {
        byte[] content = isChunked(exchange) ? AwsWire.unchunk(body) : body;
        objects.put(key, content);
        exchange.getResponseHeaders().add("ETag", "\"" + md5(content) + "\"");
        exchange.sendResponseHeaders(200, -1);
      }
      case "GET" -> {
        byte[] content = objects.getOrDefault(key, anyObject);
        if (content == null) {
          respond(exchange, 404, AwsWire.S3_CONTENT_TYPE, AwsWire.s3NoSuchKey(parts[1]));
          return;
        }
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.getResponseHeaders().add("ETag", "\"" + md5(content) + "\"");
        exchange.sendResponseHeaders(200, content.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(content);
        }
      }
      case "DELETE" -> {
        objects.remove(key);
        exchange.sendResponseHeaders(204, -1);
      }
      default -> notImplemented(exchange);
    }
  }

  /** ListObjectsV2 of the stored objects under {@code prefix}, in one page. */
  private void list(HttpExchange exchange, String bucket) throws IOException {
    Map<String, String> query = AwsWire.parseForm(String.valueOf(exchange.getRequestURI().getRawQuery()));
    if (!"2".equals(query.get("list-type"))) {
      notImplemented(exchange);
      return;
    }
    String prefix = query.getOrDefault("prefix", "");
    Map<String, byte[]> sorted = new TreeMap<>(objects);
    List<String> keys = sorted.keySet().stream().filter(k -> k.startsWith(bucket + "/" + prefix))
        .map(k -> k.substring(bucket.length() + 1)).toList();
    respond(exchange, 200, AwsWire.S3_CONTENT_TYPE,
        AwsWire.listObjectsV2Response(bucket, prefix, 1000, keys, 0, null));
  }

  private static void notImplemented(HttpExchange exchange) throws IOException {
    respond(exchange, 501, AwsWire.S3_CONTENT_TYPE, AwsWire.s3Error("NotImplemented", "The S3 stand-in serves only "
        + "PutObject, GetObject, DeleteObject and ListObjectsV2."));
  }

  private static boolean isChunked(HttpExchange exchange) {
    String sha = String.valueOf(exchange.getRequestHeaders().getFirst("x-amz-content-sha256"));
    String encoding = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Encoding"));
    return sha.startsWith("STREAMING-") || encoding.contains("aws-chunked");
  }

  // ----------------------------------------------------------------------------------------------- util

  private static void respond(HttpExchange exchange, int status, String contentType, String xml) throws IOException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String token(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String md5(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Settings of an {@link AwsStandIn}. With no {@link #role role} registered, any role may be assumed and no MFA is
   * checked; register the roles to get STS's refusals. Not thread-safe; build once.
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private final Map<String, Boolean> roles = new LinkedHashMap<>();
    private String mfaSerial;
    private String callerArn = "arn:aws:iam::123456789012:user/agent";
    private String[] planted;
    private byte[] anyObject;
    private int threads = 8;

    private Builder() {}

    /** The clock the issued credentials' expiry is counted from (a {@link MutableClock} in most tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * A role that may be assumed; once one is registered, AssumeRole of any other role is refused.
     *
     * @param mfaRequired whether its trust policy requires MFA (then {@link #mfaSerial} must be given)
     */
    public Builder role(String roleArn, boolean mfaRequired) {
      roles.put(Objects.requireNonNull(roleArn, "roleArn == null"), mfaRequired);
      return this;
    }

    /** The serial number of the caller's MFA device, which AssumeRole of an MFA role must send. */
    public Builder mfaSerial(String serial) {
      this.mfaSerial = serial;
      return this;
    }

    /** The caller's ARN, named in STS's {@code AccessDenied} messages. */
    public Builder callerArn(String arn) {
      this.callerArn = Objects.requireNonNull(arn, "arn == null");
      return this;
    }

    /**
     * Every AssumeRole issues these credentials instead of fresh ones, and S3 and GetCallerIdentity accept requests
     * signed with them even before an AssumeRole (for tests that plant known secrets and search every output for
     * them, and for benchmarks that compare a plain client with a guarded one).
     */
    public Builder credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
      this.planted = new String[] {Objects.requireNonNull(accessKeyId, "accessKeyId == null"),
          Objects.requireNonNull(secretAccessKey, "secretAccessKey == null"),
          Objects.requireNonNull(sessionToken, "sessionToken == null")};
      return this;
    }

    /** A GetObject of any key no PutObject wrote answers with this content instead of 404 {@code NoSuchKey}. */
    public Builder anyObject(byte[] content) {
      this.anyObject = content.clone();
      return this;
    }

    /** How many requests it serves at once (8 unless set); a load test raises it. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Starts the stand-in on a free loopback port.
     *
     * @throws IllegalStateException if a role requires MFA but no {@link #mfaSerial} was given
     * @throws UncheckedIOException if no port can be bound
     */
    public AwsStandIn start() {
      if (roles.containsValue(true) && mfaSerial == null) {
        throw new IllegalStateException("a role requires MFA: give the caller's mfaSerial");
      }
      try {
        AwsStandIn aws = new AwsStandIn(this);
        aws.server.start();
        return aws;
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the AWS stand-in on loopback", e);
      }
    }
  }
}
