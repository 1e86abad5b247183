package dev.leasehold.approval.slack;

import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A local stand-in for Slack's Socket Mode server: says {@code hello} on every connection, sends
 * envelopes on the newest one, and records what the client sends back.
 */
public final class SocketModeServer extends WebSocketServer {

  private final List<WebSocket> connections = new CopyOnWriteArrayList<>();
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final AtomicInteger envelopes = new AtomicInteger();

  public SocketModeServer() {
    super(new InetSocketAddress("localhost", 0));
    setReuseAddr(true);
  }

  /** Starts the server and waits until it listens. */
  public SocketModeServer begin() throws InterruptedException {
    start();
    if (!started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the Socket Mode stand-in did not start");
    }
    return this;
  }

  public String url() {
    return "ws://localhost:" + getPort() + "/";
  }

  public int connectionCount() {
    return connections.size();
  }

  public boolean hasOpenConnection() {
    return connections.stream().anyMatch(WebSocket::isOpen);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    connections.add(conn);
    conn.send("{\"type\":\"hello\",\"num_connections\":" + connections.size() + ","
        + "\"debug_info\":{\"host\":\"applink-test\",\"build_number\":1,\"approximate_connection_time\":18060},"
        + "\"connection_info\":{\"app_id\":\"A0LEASEHOLD\"}}");
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    received.add(JsonParser.parseString(message).getAsJsonObject());
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

  @Override
  public void onError(WebSocket conn, Exception ex) {}

  @Override
  public void onStart() {
    setConnectionLostTimeout(0);
    started.countDown();
  }

  /** Sends an {@code interactive} envelope on the newest open connection; returns its envelope id. */
  public String sendInteractive(JsonObject payload) {
    String envelopeId = "env-" + envelopes.incrementAndGet();
    sendInteractive(envelopeId, payload);
    return envelopeId;
  }

  /** Sends an {@code interactive} envelope with a given id (Slack redelivers with the same id). */
  public void sendInteractive(String envelopeId, JsonObject payload) {
    newest().send(envelope(envelopeId, payload).toString());
  }

  private static JsonObject envelope(String envelopeId, JsonObject payload) {
    JsonObject envelope = new JsonObject();
    envelope.addProperty("envelope_id", envelopeId);
    envelope.add("payload", payload);
    envelope.addProperty("type", "interactive");
    envelope.addProperty("accepts_response_payload", true);
    envelope.addProperty("retry_attempt", 0);
    envelope.addProperty("retry_reason", "");
    return envelope;
  }

  /**
   * Sends an {@code interactive} envelope on the {@code index}-th connection opened (0 for the first), as
   * Slack does when it picks one of an app's connections; returns its envelope id.
   */
  public String sendInteractiveOn(int index, JsonObject payload) {
    String envelopeId = "env-" + envelopes.incrementAndGet();
    sendInteractiveOn(index, envelopeId, payload);
    return envelopeId;
  }

  /** Sends an {@code interactive} envelope with a given id on the {@code index}-th connection opened. */
  public void sendInteractiveOn(int index, String envelopeId, JsonObject payload) {
    await().atMost(Duration.ofSeconds(15)).until(() -> connections.size() > index && connections.get(index).isOpen());
    connections.get(index).send(envelope(envelopeId, payload).toString());
  }

  /**
   * Sends an envelope of another type, such as {@code events_api} or {@code slash_commands}, with Slack's
   * fields; returns its envelope id.
   */
  public String sendEnvelope(String type, JsonObject payload) {
    String envelopeId = "env-" + envelopes.incrementAndGet();
    JsonObject envelope = new JsonObject();
    envelope.addProperty("envelope_id", envelopeId);
    envelope.add("payload", payload);
    envelope.addProperty("type", type);
    envelope.addProperty("accepts_response_payload", type.equals("slash_commands"));
    envelope.addProperty("retry_attempt", 0);
    envelope.addProperty("retry_reason", "");
    newest().send(envelope.toString());
    return envelopeId;
  }

  /** Asks the client to reconnect, as Slack does before it refreshes a connection. */
  public void sendDisconnect() {
    newest().send("{\"type\":\"disconnect\",\"reason\":\"refresh_requested\","
        + "\"debug_info\":{\"host\":\"applink-test\"}}");
  }

  /** Closes every connection from the server side. */
  public void dropConnections() {
    connections.forEach(c -> c.close(CloseFrame.GOING_AWAY, "server going away"));
  }

  /** What the client sent for {@code envelopeId}, waiting for it (bounded). */
  public JsonObject awaitAck(String envelopeId) {
    await().atMost(Duration.ofSeconds(5)).until(() -> !acks(envelopeId).isEmpty());
    return acks(envelopeId).get(0);
  }

  /** Every message the client sent for {@code envelopeId}. */
  public List<JsonObject> acks(String envelopeId) {
    return received.stream()
        .filter(m -> m.has("envelope_id") && Objects.equals(envelopeId, m.get("envelope_id").getAsString()))
        .toList();
  }

  /** Every message the client sent. */
  public List<JsonObject> received() {
    return List.copyOf(received);
  }

  private WebSocket newest() {
    await().atMost(Duration.ofSeconds(15)).until(this::hasOpenConnection);
    for (int i = connections.size() - 1; i >= 0; i--) {
      if (connections.get(i).isOpen()) {
        return connections.get(i);
      }
    }
    throw new IllegalStateException("no open Socket Mode connection");
  }
}
