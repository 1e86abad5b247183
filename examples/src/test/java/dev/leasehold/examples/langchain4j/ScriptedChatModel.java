package dev.leasehold.examples.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chat model that plays a script instead of calling an LLM: each turn looks at the conversation so far
 * and answers with tool calls or a final text. It records every request it receives, which is everything
 * a real model would have seen.
 */
final class ScriptedChatModel implements ChatModel {
  private static final Pattern LEASE = Pattern.compile("lease=(lease-[0-9a-f]{8})");

  private final Deque<Function<List<ChatMessage>, AiMessage>> turns = new ArrayDeque<>();
  private final List<ChatRequest> seen = new ArrayList<>();
  private int calls;

  /** Next, answer with this turn. */
  ScriptedChatModel then(Function<List<ChatMessage>, AiMessage> turn) {
    turns.add(turn);
    return this;
  }

  @Override
  public synchronized ChatResponse doChat(ChatRequest request) {
    seen.add(request);
    Function<List<ChatMessage>, AiMessage> turn = turns.poll();
    if (turn == null) {
      throw new IllegalStateException("the script has no turn left for request " + seen.size());
    }
    return ChatResponse.builder().aiMessage(turn.apply(request.messages())).build();
  }

  /** Every request the model received, in order. */
  synchronized List<ChatRequest> requests() {
    return List.copyOf(seen);
  }

  /** A turn that calls one tool with these JSON arguments. */
  static AiMessage call(String tool, String jsonArguments) {
    return AiMessage.from(ToolExecutionRequest.builder()
        .id("call-" + tool + "-" + Integer.toHexString(jsonArguments.hashCode())).name(tool).arguments(jsonArguments).build());
  }

  /** The text of the last tool result in the conversation. */
  static String lastToolResult(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof ToolExecutionResultMessage result) {
        return result.text();
      }
    }
    throw new IllegalStateException("no tool result yet");
  }

  /** The lease handle the last tool result granted, as a model would read it. */
  static String grantedLease(List<ChatMessage> messages) {
    Matcher m = LEASE.matcher(lastToolResult(messages));
    if (!m.find()) {
      throw new IllegalStateException("the last tool result granted no lease: " + lastToolResult(messages));
    }
    return m.group(1);
  }
}
