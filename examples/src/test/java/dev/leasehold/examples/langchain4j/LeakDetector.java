package dev.leasehold.examples.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.tool.ToolExecution;
import dev.leasehold.examples.support.WireMockAws;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Searches everything a model could read for the planted secrets: every message of every request the model
 * received (system, user, its own tool calls, tool results), the tool specifications, every tool result
 * LangChain4j recorded, and the final answer. The failure names the secret and where it was, not its value.
 */
final class LeakDetector {
  private final Map<String, String> secrets = new LinkedHashMap<>();

  LeakDetector(String... mfaCodes) {
    secrets.put("lease access key id", WireMockAws.ACCESS_KEY_ID);
    secrets.put("lease secret access key", WireMockAws.SECRET_ACCESS_KEY);
    secrets.put("lease session token", WireMockAws.SESSION_TOKEN);
    secrets.put("base access key id", WireMockAws.BASE_KEY_ID);
    secrets.put("base secret access key", WireMockAws.BASE_SECRET);
    for (int i = 0; i < mfaCodes.length; i++) {
      secrets.put("MFA code #" + (i + 1), mfaCodes[i]);
    }
  }

  /** The texts a model could read in one conversation, each labelled with where it came from. */
  static Map<String, String> modelVisibleText(List<ChatRequest> requests, Result<String> result) {
    Map<String, String> texts = new LinkedHashMap<>();
    for (int r = 0; r < requests.size(); r++) {
      ChatRequest request = requests.get(r);
      for (int m = 0; m < request.messages().size(); m++) {
        texts.put("request " + r + " message " + m, request.messages().get(m).toString());
      }
      texts.put("request " + r + " tool specifications", String.valueOf(request.toolSpecifications()));
    }
    List<ToolExecution> executions = result.toolExecutions();
    for (int t = 0; t < executions.size(); t++) {
      texts.put("tool execution " + t + " (" + executions.get(t).request().name() + ")", executions.get(t).result());
    }
    texts.put("final answer", result.content());
    return texts;
  }

  /** Fails when any text holds a secret, raw or URL-encoded. */
  void assertNoSecrets(Map<String, String> texts) {
    List<String> leaks = new ArrayList<>();
    texts.forEach((where, text) -> secrets.forEach((name, secret) -> {
      if (text != null && (text.contains(secret) || text.contains(URLEncoder.encode(secret, StandardCharsets.UTF_8)))) {
        leaks.add("the " + name + " in " + where);
      }
    }));
    if (!leaks.isEmpty()) {
      throw new AssertionError("Model-visible text holds secrets: " + String.join("; ", leaks));
    }
  }
}
