package dev.leasehold.approval.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.leasehold.approval.ApprovalRequest;
import dev.leasehold.approval.Decision;
import dev.leasehold.testing.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Slack for one test: WireMock serves the Web API with Slack's JSON shapes, a {@link SocketModeServer}
 * speaks Socket Mode, and the stubbed {@code apps.connections.open} points at it. Channels made here are
 * closed after the test. Their waits before a Web API retry are recorded in {@link #waits} and move
 * {@link #clock} instead of sleeping.
 */
public final class SlackStandIn implements BeforeEachCallback, AfterEachCallback {

  public static final String BOT_TOKEN = "xoxb-1111111111-2222222222-CanaryBotTokenValue";
  public static final String APP_TOKEN = "xapp-1-A0LEASEHOLD-3333333333-CanaryAppTokenValue";
  public static final String CHANNEL = "C0LEASEHOLD";
  public static final String APPROVER = "U0APPROVER";
  public static final String STRANGER = "U0STRANGER";
  public static final String MESSAGE_TS = "1700000000.000100";

  public static final Instant START = Instant.parse("2030-01-02T03:04:05Z");

  public final MutableClock clock = new MutableClock(START);
  /** The waits before Web API retries of the channels built with {@link #builder()}, in order. */
  public final List<Duration> waits = new CopyOnWriteArrayList<>();
  public WireMockServer web;
  public SocketModeServer socket;
  private final List<SlackApprovalChannel> channels = new ArrayList<>();
  private ExecutorService callers;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    web = new WireMockServer(options().dynamicPort());
    web.start();
    socket = new SocketModeServer().begin();
    callers = Executors.newCachedThreadPool();
    stubOk("apps.connections.open", "{\"ok\":true,\"url\":\"" + socket.url() + "\"}");
    stubOk("chat.postMessage", "{\"ok\":true,\"channel\":\"" + CHANNEL + "\",\"ts\":\"" + MESSAGE_TS + "\","
        + "\"message\":{\"type\":\"message\",\"subtype\":\"bot_message\",\"text\":\"Leasehold\",\"ts\":\""
        + MESSAGE_TS + "\",\"bot_id\":\"B0LEASEHOLD\",\"app_id\":\"A0LEASEHOLD\"}}");
    stubOk("chat.update", "{\"ok\":true,\"channel\":\"" + CHANNEL + "\",\"ts\":\"" + MESSAGE_TS + "\","
        + "\"text\":\"Leasehold\",\"message\":{\"type\":\"message\",\"text\":\"Leasehold\",\"bot_id\":\"B0LEASEHOLD\"}}");
    stubOk("views.open", "{\"ok\":true,\"view\":{\"id\":\"V0MODAL\",\"team_id\":\"T0LEASEHOLD\",\"type\":\"modal\","
        + "\"callback_id\":\"leasehold_approve_modal\",\"state\":{\"values\":{}},\"hash\":\"1700000003.AbCdEf12\"}}");
    stubOk("chat.postEphemeral", "{\"ok\":true,\"message_ts\":\"1700000002.000300\"}");
    stubOk("usergroups.users.list", "{\"ok\":true,\"users\":[\"U0GROUPIE\",\"U0OTHER\"]}");
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    channels.forEach(SlackApprovalChannel::close);
    callers.shutdownNow();
    socket.stop(1000);
    web.stop();
  }

  /** Answers {@code method} with HTTP 200 and {@code json}. */
  public void stubOk(String method, String json) {
    web.stubFor(post(urlEqualTo("/api/" + method)).willReturn(okJson(json)));
  }

  /** Answers {@code method} with Slack's {@code "ok": false} and {@code error}. */
  public void stubError(String method, String error) {
    stubOk(method, "{\"ok\":false,\"error\":\"" + error + "\"}");
  }

  /** A builder for a channel that talks to this stand-in. */
  public SlackApprovalChannel.Builder builder() {
    return SlackApprovalChannel.builder()
        .botToken(BOT_TOKEN)
        .appToken(APP_TOKEN)
        .channel(CHANNEL)
        .approvers(List.of(APPROVER))
        .apiUrl(web.baseUrl() + "/api/")
        .clock(clock)
        .sleeper(this::sleep);
  }

  /** Instead of sleeping before a retry: records the wait and moves {@link #clock} by it. */
  private void sleep(Duration wait) {
    waits.add(wait);
    clock.advance(wait);
  }

  /** The settings {@code ApprovalChannels.load("slack", ...)} needs for this stand-in. */
  public Map<String, String> config() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("botToken", BOT_TOKEN);
    config.put("appToken", APP_TOKEN);
    config.put("channel", CHANNEL);
    config.put("approvers", APPROVER);
    config.put("apiUrl", web.baseUrl() + "/api/");
    return config;
  }

  /** A channel closed after the test. */
  public SlackApprovalChannel channel(SlackApprovalChannel.Builder builder) {
    SlackApprovalChannel channel = builder.build();
    channels.add(channel);
    return channel;
  }

  public SlackApprovalChannel channel() {
    return channel(builder());
  }

  /** A dev request, with MFA, asked now by {@link #clock} and due two minutes later. */
  public ApprovalRequest.Builder request() {
    Instant now = clock.instant();
    return ApprovalRequest.builder()
        .id("req-" + UUID.randomUUID())
        .agent("hermes")
        .roleKey("s3-deploy")
        .roleArn("arn:aws:iam::123456789012:role/hermes-dev-s3-deploy")
        .environment("dev")
        .reason("Upload the built documentation site to the docs bucket")
        .intentActions(List.of("s3:PutObject", "s3:ListBucket"))
        .intentResources(List.of("arn:aws:s3:::docs-bucket/*"))
        .duration(Duration.ofMinutes(15))
        .requestedAt(now)
        .decideBy(now.plus(Duration.ofMinutes(2)));
  }

  /** Calls {@code decide} on another thread. */
  public CompletableFuture<Decision> decideAsync(SlackApprovalChannel channel, ApprovalRequest request) {
    return CompletableFuture.supplyAsync(() -> channel.decide(request), callers);
  }

  /** Waits (bounded) until the approval message was posted, and returns its form parameters. */
  public Map<String, String> awaitPosted() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !calls("chat.postMessage").isEmpty());
    return form(calls("chat.postMessage").get(0));
  }

  /** Waits (bounded) until {@code count} calls of {@code method} arrived; returns their form parameters. */
  public List<Map<String, String>> awaitCalls(String method, int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> calls(method).size() >= count);
    return calls(method).stream().map(SlackStandIn::form).toList();
  }

  public List<LoggedRequest> calls(String method) {
    return web.findAll(postRequestedFor(urlEqualTo("/api/" + method)));
  }

  /** The decoded form parameters of a Web API call, as the SDK sent them. */
  public static Map<String, String> form(LoggedRequest request) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : request.getBodyAsString().split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  public static JsonElement json(String text) {
    return JsonParser.parseString(text);
  }

  /** A Block Kit text object: {@code plain_text} or {@code mrkdwn}. */
  public record Text(String type, String text) {}

  /** Every text object in a Block Kit JSON document, decoded. */
  public static List<Text> texts(String blocks) {
    List<Text> texts = new ArrayList<>();
    collect(json(blocks), texts);
    return texts;
  }

  private static void collect(JsonElement element, List<Text> texts) {
    if (element.isJsonArray()) {
      element.getAsJsonArray().forEach(e -> collect(e, texts));
    } else if (element.isJsonObject()) {
      JsonObject object = element.getAsJsonObject();
      JsonElement type = object.get("type");
      JsonElement text = object.get("text");
      if (type != null && type.isJsonPrimitive() && text != null && text.isJsonPrimitive()) {
        texts.add(new Text(type.getAsString(), text.getAsString()));
      }
      object.entrySet().forEach(e -> collect(e.getValue(), texts));
    }
  }

  /** Clicks a button of the approval message as {@code user}; returns the envelope id. */
  public String click(String actionId, String user, String requestId) {
    return socket.sendInteractive(clickPayload(actionId, user, requestId));
  }

  /**
   * Waits until every interaction sent so far has been followed up: a stranger's click on the pending
   * {@code requestId} is refused with an ephemeral message, and follow-ups run in order.
   */
  public void barrier(String requestId) {
    int refusals = calls("chat.postEphemeral").size();
    click("leasehold_approve", STRANGER, requestId);
    awaitCalls("chat.postEphemeral", refusals + 1);
  }

  public JsonObject clickPayload(String actionId, String user, String requestId) {
    return fixture("block_actions.json", Map.of("{{user}}", user, "{{action_id}}", actionId,
        "{{request_id}}", requestId, "{{channel}}", CHANNEL, "{{trigger_id}}", triggerId(user)));
  }

  public static String triggerId(String user) {
    return "1700000001.0000000001." + user;
  }

  /** Submits the approval modal as {@code user}; null fields are left out. Returns the envelope id. */
  public String submit(String user, String requestId, String code, String roleKey) {
    return socket.sendInteractive(submitPayload(user, requestId, code, roleKey));
  }

  /** The {@code view_submission} payload of the approval modal as {@code user}; null fields are left out. */
  public JsonObject submitPayload(String user, String requestId, String code, String roleKey) {
    JsonObject values = new JsonObject();
    if (code != null) {
      values.add("leasehold_mfa", input("code", code));
    }
    if (roleKey != null) {
      values.add("leasehold_role_key", input("role_key", roleKey));
    }
    return (fixture("view_submission.json", Map.of("{{user}}", user,
        "{{request_id}}", requestId, "{{callback_id}}", "leasehold_approve_modal", "{{values}}", values.toString())));
  }

  private static JsonObject input(String actionId, String value) {
    JsonObject field = new JsonObject();
    field.addProperty("type", "plain_text_input");
    field.addProperty("value", value);
    JsonObject block = new JsonObject();
    block.add(actionId, field);
    return block;
  }

  private static JsonObject fixture(String name, Map<String, String> values) {
    try (InputStream in = SlackStandIn.class.getResourceAsStream("/slack/" + name)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (Map.Entry<String, String> value : values.entrySet()) {
        text = text.replace(value.getKey(), value.getValue());
      }
      return JsonParser.parseString(text).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Answers {@code method} with HTTP {@code status} and a Slack error body. */
  public void stubStatus(String method, int status) {
    web.stubFor(post(urlEqualTo("/api/" + method)).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"ok\":false,\"error\":\"service_unavailable\"}")));
  }
}
