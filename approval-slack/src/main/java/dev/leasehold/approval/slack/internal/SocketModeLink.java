package dev.leasehold.approval.slack.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.slack.api.Slack;
import com.slack.api.socket_mode.impl.SocketModeClientJavaWSImpl;
import com.slack.api.socket_mode.queue.impl.ConcurrentLinkedMessageQueue;
import com.slack.api.socket_mode.request.InteractiveEnvelope;
import dev.leasehold.approval.ApprovalChannelException;
import dev.leasehold.approval.Durations;
import java.io.IOException;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Socket Mode connection, through the SDK's {@code SocketModeClient} on the Java-WebSocket backend.
 *
 * <p>The SDK does the protocol work: it reconnects through {@code apps.connections.open} when Slack sends
 * a {@code disconnect} envelope, and its session monitor (every
 * {@value SocketModeClientJavaWSImpl#DEFAULT_SESSION_MONITOR_INTERVAL_MILLISECONDS} ms) reconnects when the
 * socket was dropped. This class adds what Leasehold needs on top: it waits (bounded, and no longer than the
 * first connection attempt lives) for Slack's {@code hello} before anyone is asked; it acknowledges every
 * interactive envelope as soon as its {@link Handler} has looked at it, and every other envelope that
 * carries an {@code envelope_id} ({@code events_api}, {@code slash_commands}, ...) at once, without handling
 * it, as Slack requires; it runs the slower follow-up work (Web API calls, which may wait out a rate limit) on a thread of its own, so acknowledgements stay within
 * Slack's 3 seconds; it hands each {@code envelope_id} to the handler once, because delivery is
 * at-least-once; it never lets the SDK log an envelope (a modal submission carries the MFA code); and it
 * closes every thread it started.
 *
 * <p>Envelopes are looked at one at a time on the SDK's message-processor thread; follow-ups run one at a
 * time, in the same order, on the follow-up thread. Thread-safe.
 */
final class SocketModeLink implements AutoCloseable {

  /** How long to wait for Slack's {@code hello} after connecting. */
  static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);
  private static final Logger LOG = LoggerFactory.getLogger(SocketModeLink.class);

  /** Decides what to answer to one interaction. */
  @FunctionalInterface
  interface Handler {
    /**
     * Looks at an interaction payload; must be quick and must not block on the network.
     *
     * @param payload the envelope's payload ({@code block_actions}, {@code view_submission}, ...)
     * @return the acknowledgement to send and the work to do after it
     */
    Reply handle(JsonObject payload);
  }

  /**
   * The answer to one envelope.
   *
   * @param ack the acknowledgement's payload (such as modal field errors), or null for a plain ack
   * @param then work to do after the acknowledgement was sent, such as opening a modal
   */
  record Reply(JsonObject ack, Runnable then) {
    /** A plain acknowledgement and nothing else. */
    static final Reply ACK = new Reply(null, () -> { });
  }

  private static final int REMEMBERED_ENVELOPES = 1024;

  private final QuietClient client;
  private final ExecutorService followUps = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "leasehold-slack-interactions");
    thread.setDaemon(true);
    return thread;
  });
  /** True once Slack said hello; false if the first connection failed before that. */
  private final CompletableFuture<Boolean> ready = new CompletableFuture<>();
  private final Set<String> seen = Collections.synchronizedSet(Collections.newSetFromMap(
      new LinkedHashMap<String, Boolean>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED_ENVELOPES;
        }
      }));

  private SocketModeLink(QuietClient client, Handler handler) {
    this.client = client;
    client.addWebSocketMessageListener(message -> {
      JsonObject envelope = object(message);
      String type = type(envelope);
      if ("hello".equals(type)) {
        ready.complete(true);
        LOG.debug("Slack Socket Mode connection ready");
      } else if (!"interactive".equals(type)) {
        // Slack requires an acknowledgement of every envelope that carries an envelope_id (events_api,
        // slash_commands, and types added later), or it delivers it again; only interactive ones are handled.
        String envelopeId = envelopeId(envelope);
        if (envelopeId != null) {
          ack(envelopeId, null);
        }
      }
    });
    client.addWebSocketErrorListener(error -> ready.complete(false));
    client.addWebSocketCloseListener((code, reason) -> ready.complete(false));
    client.addInteractiveEnvelopeListener(envelope -> dispatch(envelope, handler));
  }

  /**
   * Opens a connection and waits for Slack's {@code hello}.
   *
   * @param api makes the {@code apps.connections.open} call
   * @param appToken the app-level token the SDK uses when it reconnects
   * @param handler answers interactive envelopes, each {@code envelope_id} once
   * @throws dev.leasehold.approval.ApprovalChannelException when Slack refuses the token or no hello arrives
   */
  static SocketModeLink open(SlackWebApi api, SlackToken appToken, Handler handler) {
    String url = api.openConnection();
    QuietClient client;
    try {
      client = new QuietClient(api.slack(), appToken.reveal(), url);
    } catch (URISyntaxException e) {
      throw SlackErrors.unavailable("apps.connections.open returned a URL that is not a URI", null);
    }
    SocketModeLink link = new SocketModeLink(client, handler);
    client.connect();
    boolean ready = false;
    try {
      ready = link.ready.get(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // not ready
    }
    if (ready) {
      return link;
    }
    link.close();
    throw SlackErrors.unavailable("Slack sent no Socket Mode hello (the connection failed or "
        + Durations.human(HELLO_TIMEOUT) + " passed); check that Socket Mode is enabled for the app and that "
        + "WebSocket connections to Slack are allowed", null);
  }

  private void dispatch(InteractiveEnvelope envelope, Handler handler) {
    String envelopeId = envelope.getEnvelopeId();
    if (envelopeId == null) {
      return;
    }
    if (!seen.add(envelopeId)) {
      LOG.debug("Slack delivered envelope {} again; acknowledged, not handled twice", envelopeId);
      ack(envelopeId, null);
      return;
    }
    Reply reply = Reply.ACK;
    try {
      if (envelope.getPayload() != null && envelope.getPayload().isJsonObject()) {
        reply = handler.handle(envelope.getPayload().getAsJsonObject());
      }
    } catch (RuntimeException e) {
      failed("Ignored Slack envelope " + envelopeId, e);
    }
    ack(envelopeId, reply.ack());
    Runnable then = reply.then();
    try {
      followUps.execute(() -> {
        try {
          then.run();
        } catch (RuntimeException e) {
          failed("Could not finish handling Slack envelope " + envelopeId, e);
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.debug("Slack envelope {} arrived while closing; not followed up", envelopeId);
    }
  }

  /** Logs a failure; only Leasehold's own messages are logged, as other messages might quote a payload. */
  private static void failed(String what, RuntimeException e) {
    if (e instanceof ApprovalChannelException) {
      LOG.warn("{}: {}", what, e.getMessage());
    } else {
      LOG.warn("{} ({})", what, e.getClass().getName());
    }
  }

  private void ack(String envelopeId, JsonObject payload) {
    JsonObject ack = new JsonObject();
    ack.addProperty("envelope_id", envelopeId);
    if (payload != null) {
      ack.add("payload", payload);
    }
    try {
      client.sendSocketModeResponse(ack.toString());
    } catch (RuntimeException e) {
      LOG.warn("Could not acknowledge Slack envelope {} ({}); Slack will deliver it again",
          envelopeId, e.getClass().getSimpleName());
    }
  }

  /** Disconnects and stops the SDK's threads, waiting a bounded time for them. Never throws. */
  @Override
  public void close() {
    try {
      client.close();
      followUps.shutdownNow();
      awaitTermination(followUps);
      awaitTermination(client.getMessageProcessorExecutor());
      client.getSessionMonitorExecutor().ifPresent(SocketModeLink::awaitTermination);
      client.disconnect(); // again: the session monitor may have reconnected while it was stopping
    } catch (IOException | RuntimeException e) {
      LOG.warn("Closing the Slack Socket Mode connection failed ({})", e.getClass().getSimpleName());
    }
  }

  private static void awaitTermination(ExecutorService executor) {
    try {
      if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("A Slack Socket Mode thread did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static JsonObject object(String message) {
    try {
      JsonElement parsed = JsonParser.parseString(message);
      return parsed.isJsonObject() ? parsed.getAsJsonObject() : new JsonObject();
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static String type(JsonObject envelope) {
    JsonElement type = envelope.get("type");
    return type != null && type.isJsonPrimitive() ? type.getAsString() : "";
  }

  private static String envelopeId(JsonObject envelope) {
    JsonElement id = envelope.get("envelope_id");
    return id != null && id.isJsonPrimitive() && !id.getAsString().isEmpty() ? id.getAsString() : null;
  }

  /** The SDK client with its envelope logging removed: envelopes may carry an MFA code. */
  private static final class QuietClient extends SocketModeClientJavaWSImpl {
    QuietClient(Slack slack, String appToken, String url) throws URISyntaxException {
      super(slack, appToken, url, 1, new ConcurrentLinkedMessageQueue(), true, true,
          DEFAULT_SESSION_MONITOR_INTERVAL_MILLISECONDS);
    }

    @Override
    public void debugLogRequest(String message) {
      // never log an envelope: a view_submission carries the MFA code
    }

    @Override
    public void debugLogResponse(String message) {
      // acks carry nothing secret, but are not worth a log line either
    }

    @Override
    public String getExecutorGroupNamePrefix() {
      return "leasehold-slack-socket-mode";
    }
  }
}
