package dev.leasehold.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leasehold.AccessRequest;
import dev.leasehold.BrokerUnavailableException;
import dev.leasehold.LeaseholdException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * A client of the broker's agent API (HTTP/JSON, bearer token). Every failure to reach the broker, or the
 * broker going away while a request waits, is a {@link BrokerUnavailableException}; a refusal is the same
 * typed exception, with the same message, that the library raises in-process.
 */
public final class BrokerClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A lease as the broker describes it; {@link #credentialsToken()} is a secret and never printed. */
  public record Grant(String id, String status, String role, String roleArn, String approver, List<String> intent,
      Instant expiresAt, URI credentialsUri, String credentialsToken, JsonNode error) {
    @Override
    public String toString() {
      return "Grant[id=" + id + ", status=" + status + ", role=" + role + ", expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * A catalog role as the broker lists it: its key, description, environment, lease length (such as
   * {@code 25m}) and the actions (or action patterns) its Allow statements name.
   */
  public record Role(String key, String description, String environment, String duration, List<String> actions) {}

  private final URI base;
  private final String token;
  private final Duration wait;
  private final HttpClient http;

  /**
   * @param base the broker's URL, such as {@code http://127.0.0.1:8512}
   * @param token the client token
   * @param wait how long a lease request may wait for the human (the broker's decision deadline plus margin)
   */
  public BrokerClient(URI base, String token, Duration wait) {
    this.base = Objects.requireNonNull(base, "base == null");
    this.token = Objects.requireNonNull(token, "token == null").strip();
    this.wait = Objects.requireNonNull(wait, "wait == null");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  public URI base() {
    return base;
  }

  /** Asks for a lease and waits for the human's decision. */
  public Grant request(AccessRequest request) {
    return request(request, true);
  }

  /** Asks for a lease; without {@code waitForDecision} the grant is {@code pending}: poll {@link #status}. */
  public Grant request(AccessRequest request, boolean waitForDecision) {
    return request(request, waitForDecision, true);
  }

  /**
   * Asks for a lease. Without {@code renew}, a live lease of the same task with too little left for the SDKs is
   * ended and refused with an error saying a new approval is needed (the next request asks the human), instead of
   * being replaced by a new approval at once: what a consumer's automatic refresh must get.
   */
  public Grant request(AccessRequest request, boolean waitForDecision, boolean renew) {
    ObjectNode body = JSON.createObjectNode();
    body.put("role", request.role());
    body.put("reason", request.reason());
    ArrayNode intent = body.putArray("intent");
    request.actions().forEach(intent::add);
    ArrayNode resources = body.putArray("resources");
    request.resources().forEach(resources::add);
    request.duration().ifPresent(d -> body.put("duration", d.toString()));
    body.put("wait", waitForDecision);
    if (!renew) {
      body.put("renew", false);
    }
    return grant(send(HttpRequest.newBuilder(base.resolve("/v1/leases")).timeout(wait)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
  }

  /** The lease's current status. */
  public Grant status(String id) {
    return grant(send(HttpRequest.newBuilder(base.resolve("/v1/leases/" + id)).timeout(Duration.ofSeconds(30)).GET()));
  }

  /** Ends the lease now (idempotent). */
  public void end(String id) {
    send(HttpRequest.newBuilder(base.resolve("/v1/leases/" + id)).timeout(Duration.ofSeconds(30)).DELETE());
  }

  /** The catalog's roles. */
  public List<Role> roles() {
    JsonNode body = send(HttpRequest.newBuilder(base.resolve("/v1/roles")).timeout(Duration.ofSeconds(30)).GET());
    List<Role> roles = new ArrayList<>();
    body.path("roles").forEach(r -> {
      List<String> actions = new ArrayList<>();
      r.path("actions").forEach(a -> actions.add(a.asText()));
      roles.add(new Role(r.path("key").asText(), r.path("description").asText(""), r.path("environment").asText(""),
          r.path("duration").asText(""), List.copyOf(actions)));
    });
    return roles;
  }

  /** Reads the lease's credentials from its container-credentials endpoint. */
  public AwsSessionCredentials credentials(Grant grant) {
    HttpRequest request = HttpRequest.newBuilder(grant.credentialsUri()).timeout(Duration.ofSeconds(10))
        .header("Authorization", grant.credentialsToken()).GET().build();
    HttpResponse<String> response = exchange(request);
    JsonNode body = parse(response.body());
    if (response.statusCode() != 200) {
      throw new dev.leasehold.SessionExpiredException(body.path("Message").asText(
          "The broker no longer serves lease " + grant.id() + "; open a new session (a human approves it again)."));
    }
    return AwsSessionCredentials.builder().accessKeyId(body.path("AccessKeyId").asText())
        .secretAccessKey(body.path("SecretAccessKey").asText()).sessionToken(body.path("Token").asText())
        .expirationTime(Instant.parse(body.path("Expiration").asText())).build();
  }

  private JsonNode send(HttpRequest.Builder builder) {
    HttpResponse<String> response = exchange(builder.header("Authorization", "Bearer " + token)
        .header("Accept", "application/json").build());
    JsonNode body = parse(response.body());
    if (response.statusCode() / 100 != 2) {
      throw BrokerWire.exception(response.statusCode(), body);
    }
    return body;
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new BrokerUnavailableException("The Leasehold broker at " + base + " is unavailable (" + e.getClass()
          .getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "). Check that it runs, then ask "
          + "again; no lease was handed out by this call.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerUnavailableException("Interrupted while waiting for the Leasehold broker at " + base + ".", e);
    }
  }

  private static JsonNode parse(String text) {
    try {
      return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (IOException e) {
      ObjectNode node = JSON.createObjectNode();
      node.put("message", "The broker answered with something other than JSON.");
      return node;
    }
  }

  private static Grant grant(JsonNode n) {
    List<String> intent = new ArrayList<>();
    n.path("intent").forEach(a -> intent.add(a.asText()));
    return new Grant(n.path("id").asText(), n.path("status").asText(), text(n, "role"), text(n, "roleArn"),
        text(n, "approver"), intent, n.hasNonNull("expiresAt") ? Instant.parse(n.get("expiresAt").asText()) : null,
        n.hasNonNull("credentialsUri") ? URI.create(n.get("credentialsUri").asText()) : null,
        text(n, "credentialsToken"), n.get("failure"));
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }

  /** The typed exception of a failed grant. */
  public static LeaseholdException failure(Grant grant) {
    return BrokerWire.exception(500, grant.error() == null ? JSON.createObjectNode() : grant.error());
  }
}
