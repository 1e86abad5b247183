package dev.leasehold.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.leasehold.catalog.MfaRequirement;
import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.catalog.RoleSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo's stand-in for STS and S3 on loopback, with the JDK's HTTP server: nothing leaves the machine.
 *
 * <p>STS ({@code POST /}, form {@code Action=AssumeRole}, and {@code GetCallerIdentity} for requests signed
 * with a lease it issued) answers in the real Query API XML and, like STS
 * behind an MFA trust policy, refuses an AssumeRole without the agent's {@code SerialNumber}, without a
 * 6-digit {@code TokenCode}, with a code used before, without {@code DurationSeconds} (Leasehold always sends
 * one, 900 to 3600), or for a role outside the catalog. S3 (path style, {@code /bucket/key}) serves GetObject and
 * PutObject in memory and only to requests signed with the lease it issued. Every request is counted so
 * the demo can show what reached "AWS" and what never did.
 */
final class LocalAws implements AutoCloseable {
  static final String STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
  /** Prefixes of the issued credentials, so tests can prove none of them is printed. */
  static final String KEY_PREFIX = "ASIALEASEHOLDDEMO";
  static final String SECRET_PREFIX = "demoSecret/";
  static final String TOKEN_PREFIX = "demoSessionToken/";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final String mfaSerial;
  private final String agentArn;
  private final Map<String, RoleSpec> rolesByArn = new LinkedHashMap<>();
  private final Set<String> usedCodes = ConcurrentHashMap.newKeySet();
  private final Map<String, String> issued = new ConcurrentHashMap<>(); // access key id -> session token
  private final Map<String, String[]> identities = new ConcurrentHashMap<>(); // access key id -> {arn, user id}
  private final List<String> callerIdentityKeys = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final List<Map<String, String>> assumeRoles = Collections.synchronizedList(new ArrayList<>());
  private final List<String> s3Requests = Collections.synchronizedList(new ArrayList<>());
  private final SecureRandom random = new SecureRandom();

  private LocalAws(RoleCatalog catalog, Clock clock) throws IOException {
    this.clock = clock;
    this.mfaSerial = catalog.agent().mfaSerial();
    this.agentArn = catalog.agent().userArn();
    catalog.roles().values().forEach(r -> rolesByArn.put(r.arn(), r));
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "leasehold-demo-aws");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Starts the stand-in on a free loopback port. */
  static LocalAws start(RoleCatalog catalog, Clock clock) throws IOException {
    LocalAws aws = new LocalAws(catalog, clock);
    aws.server.start();
    return aws;
  }

  URI endpoint() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
  }

  /** The AssumeRole requests received, form parameters with the TokenCode replaced by its length. */
  List<Map<String, String>> assumeRoles() {
    synchronized (assumeRoles) {
      return List.copyOf(assumeRoles);
    }
  }

  /** The S3 requests received, as {@code METHOD /bucket/key}. */
  List<String> s3Requests() {
    synchronized (s3Requests) {
      return List.copyOf(s3Requests);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
      if ("POST".equals(exchange.getRequestMethod()) && "/".equals(exchange.getRequestURI().getPath())
          && contentType.startsWith("application/x-www-form-urlencoded")) {
        sts(exchange, form(new String(body, StandardCharsets.UTF_8)));
      } else {
        s3(exchange, body);
      }
    } catch (RuntimeException e) {
      respond(exchange, 500, "<Error><Code>InternalError</Code><Message>demo stand-in: " + xml(String.valueOf(e))
          + "</Message></Error>");
    }
  }

  // ------------------------------------------------------------------------------------------------ STS

  /** The access key ids that signed GetCallerIdentity calls, in order. */
  List<String> callerIdentityKeys() {
    synchronized (callerIdentityKeys) {
      return List.copyOf(callerIdentityKeys);
    }
  }

  private void sts(HttpExchange exchange, Map<String, String> form) throws IOException {
    if ("GetCallerIdentity".equals(form.get("Action"))) {
      callerIdentity(exchange);
      return;
    }
    if (!"AssumeRole".equals(form.get("Action"))) {
      stsError(exchange, 400, "InvalidAction", "The demo STS stand-in serves only AssumeRole and GetCallerIdentity.");
      return;
    }
    Map<String, String> seen = new LinkedHashMap<>(form);
    seen.computeIfPresent("TokenCode", (k, v) -> v.length() + " characters");
    assumeRoles.add(seen);
    RoleSpec role = rolesByArn.get(form.get("RoleArn"));
    if (role == null) {
      stsError(exchange, 403, "AccessDenied", "User: " + agentArn + " is not authorized to perform: sts:AssumeRole "
          + "on resource: " + form.get("RoleArn"));
      return;
    }
    String duration = form.get("DurationSeconds");
    if (duration == null || !duration.matches("\\d{3,5}") || Integer.parseInt(duration) < 900
        || Integer.parseInt(duration) > 3600) {
      stsError(exchange, 400, "ValidationError", "DurationSeconds must be given, between 900 and the role's "
          + "MaxSessionDuration of 3600 (the stand-in insists: Leasehold always sends it).");
      return;
    }
    if (role.mfa() == MfaRequirement.REQUIRED) {
      String code = form.get("TokenCode");
      if (form.get("SerialNumber") == null || !form.get("SerialNumber").equals(mfaSerial) || code == null) {
        stsError(exchange, 403, "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code. "
            + "Please verify your MFA serial number is valid and associated with this user.");
        return;
      }
      if (!code.matches("\\d{6}")) {
        stsError(exchange, 400, "ValidationError", "1 validation error detected: Value at 'tokenCode' failed to "
            + "satisfy constraint: Member must satisfy regular expression pattern: [\\d]* and have length 6");
        return;
      }
      if (!usedCodes.add(code)) {
        stsError(exchange, 403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ");
        return;
      }
    }
    String accessKey = KEY_PREFIX + token(5).toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "X");
    String secret = SECRET_PREFIX + token(24);
    String sessionToken = TOKEN_PREFIX + token(48);
    Instant expiration = clock.instant().plusSeconds(Long.parseLong(duration));
    String roleName = role.arn().substring(role.arn().lastIndexOf('/') + 1);
    String session = form.getOrDefault("RoleSessionName", "leasehold");
    identities.put(accessKey, new String[] {"arn:aws:sts::" + role.arn().split(":")[4] + ":assumed-role/" + roleName
        + "/" + session, "AROALEASEHOLDDEMO0000000:" + session});
    issued.put(accessKey, sessionToken);
    respond(exchange, 200, "<AssumeRoleResponse xmlns=\"" + STS_NS + "\">\n"
        + "  <AssumeRoleResult>\n"
        + (form.containsKey("SourceIdentity") ? "    <SourceIdentity>" + xml(form.get("SourceIdentity")) + "</SourceIdentity>\n" : "")
        + "    <AssumedRoleUser>\n"
        + "      <Arn>arn:aws:sts::" + role.arn().split(":")[4] + ":assumed-role/" + roleName + "/" + xml(session) + "</Arn>\n"
        + "      <AssumedRoleId>AROALEASEHOLDDEMO0000000:" + xml(session) + "</AssumedRoleId>\n"
        + "    </AssumedRoleUser>\n"
        + "    <Credentials>\n"
        + "      <AccessKeyId>" + accessKey + "</AccessKeyId>\n"
        + "      <SecretAccessKey>" + secret + "</SecretAccessKey>\n"
        + "      <SessionToken>" + sessionToken + "</SessionToken>\n"
        + "      <Expiration>" + expiration + "</Expiration>\n"
        + "    </Credentials>\n"
        + "    <PackedPolicySize>7</PackedPolicySize>\n"
        + "  </AssumeRoleResult>\n"
        + "  <ResponseMetadata>\n"
        + "    <RequestId>" + java.util.UUID.randomUUID() + "</RequestId>\n"
        + "  </ResponseMetadata>\n"
        + "</AssumeRoleResponse>\n");
  }

  /** GetCallerIdentity, answered only to a request signed with a lease this stand-in issued. */
  private void callerIdentity(HttpExchange exchange) throws IOException {
    String accessKey = signingKey(exchange);
    String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
    callerIdentityKeys.add(accessKey);
    if (!issued.containsKey(accessKey) || !issued.get(accessKey).equals(token)) {
      stsError(exchange, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
      return;
    }
    String[] identity = identities.get(accessKey);
    respond(exchange, 200, "<GetCallerIdentityResponse xmlns=\"" + STS_NS + "\">\n"
        + "  <GetCallerIdentityResult>\n"
        + "    <Arn>" + xml(identity[0]) + "</Arn>\n"
        + "    <UserId>" + xml(identity[1]) + "</UserId>\n"
        + "    <Account>" + identity[0].split(":")[4] + "</Account>\n"
        + "  </GetCallerIdentityResult>\n"
        + "  <ResponseMetadata>\n"
        + "    <RequestId>" + java.util.UUID.randomUUID() + "</RequestId>\n"
        + "  </ResponseMetadata>\n"
        + "</GetCallerIdentityResponse>\n");
  }

  private static String signingKey(HttpExchange exchange) {
    String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
    int credential = authorization.indexOf("Credential=");
    return credential < 0 ? "" : authorization.substring(credential + 11).split("/", 2)[0];
  }

  private void stsError(HttpExchange exchange, int status, String code, String message) throws IOException {
    respond(exchange, status, "<ErrorResponse xmlns=\"" + STS_NS + "\">\n  <Error>\n    <Type>Sender</Type>\n"
        + "    <Code>" + code + "</Code>\n    <Message>" + xml(message) + "</Message>\n  </Error>\n"
        + "  <RequestId>" + java.util.UUID.randomUUID() + "</RequestId>\n</ErrorResponse>\n");
  }

  // ------------------------------------------------------------------------------------------------- S3

  private void s3(HttpExchange exchange, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    s3Requests.add(method + " " + path);
    String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
    String accessKey = signingKey(exchange);
    if (!issued.containsKey(accessKey) || !issued.get(accessKey).equals(token)) {
      respond(exchange, 403, "<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided "
          + "does not exist in our records.</Message></Error>");
      return;
    }
    String[] parts = path.replaceFirst("^/", "").split("/", 2);
    if (parts.length < 2 || parts[1].isEmpty()) {
      respond(exchange, 501, "<Error><Code>NotImplemented</Code><Message>The demo S3 stand-in serves only "
          + "GetObject and PutObject.</Message></Error>");
      return;
    }
    String key = parts[0] + "/" + parts[1];
    switch (method) {
      case "PUT" -> {
        byte[] content = isChunked(exchange) ? unchunk(body) : body;
        objects.put(key, content);
        exchange.getResponseHeaders().add("ETag", "\"" + md5(content) + "\"");
        exchange.sendResponseHeaders(200, -1);
      }
      case "GET" -> {
        byte[] content = objects.get(key);
        if (content == null) {
          respond(exchange, 404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
              + "<Key>" + xml(parts[1]) + "</Key></Error>");
          return;
        }
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.getResponseHeaders().add("ETag", "\"" + md5(content) + "\"");
        exchange.sendResponseHeaders(200, content.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(content);
        }
      }
      default -> respond(exchange, 501, "<Error><Code>NotImplemented</Code><Message>The demo S3 stand-in serves "
          + "only GetObject and PutObject.</Message></Error>");
    }
  }

  private static boolean isChunked(HttpExchange exchange) {
    String sha = String.valueOf(exchange.getRequestHeaders().getFirst("x-amz-content-sha256"));
    String encoding = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Encoding"));
    return sha.startsWith("STREAMING-") || encoding.contains("aws-chunked");
  }

  /** Decodes an {@code aws-chunked} body: {@code hex-size[;chunk-signature=...]\r\n data \r\n}, ending with size 0. */
  static byte[] unchunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < body.length) {
      int eol = indexOfCrlf(body, i);
      if (eol < 0) {
        break;
      }
      String header = new String(body, i, eol - i, StandardCharsets.US_ASCII);
      int size = Integer.parseInt(header.split(";", 2)[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.write(body, eol + 2, size);
      i = eol + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOfCrlf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  // ----------------------------------------------------------------------------------------------- util

  private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/xml");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return form;
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

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
