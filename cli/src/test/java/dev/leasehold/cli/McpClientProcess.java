package dev.leasehold.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The MCP Java SDK's own client, driving {@code leasehold mcp ...} started as a real process over stdio (this JVM's
 * java and test class path, through {@link McpWireTap} so every message is kept for leak checks).
 */
final class McpClientProcess implements AutoCloseable {
  static final McpSchema.Implementation CLIENT = new McpSchema.Implementation("leasehold-test-client", "1.0");

  final McpSyncClient client;
  final Path wireIn;
  final Path wireOut;
  final List<McpSchema.ProgressNotification> progress = Collections.synchronizedList(new ArrayList<>());
  final List<String> stderr = Collections.synchronizedList(new ArrayList<>());

  McpClientProcess(Path dir, Map<String, String> env, List<String> leaseholdArgs) {
    this.wireIn = dir.resolve("mcp-wire-in.jsonl");
    this.wireOut = dir.resolve("mcp-wire-out.jsonl");
    List<String> args = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-Duser.home=" + env.getOrDefault("HOME", dir.toString()), "-cp", System.getProperty("java.class.path"),
        McpWireTap.class.getName(), wireIn.toString(), wireOut.toString(), "mcp"));
    args.addAll(leaseholdArgs);
    ServerParameters params = ServerParameters.builder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()).args(args).env(env).build();
    StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(new ObjectMapper()));
    transport.setStdErrorHandler(stderr::add);
    this.client = McpClient.sync(transport).clientInfo(CLIENT).requestTimeout(Duration.ofSeconds(90))
        .initializationTimeout(Duration.ofSeconds(60)).progressConsumer(progress::add).build();
    client.initialize();
  }

  /** Calls a tool with a progress token. */
  McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
    return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments)
        .progressToken("progress-" + tool + "-" + System.nanoTime()).build());
  }

  /** The text of a result's first content. */
  static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  /** Every byte that crossed the wire, both directions. */
  String wire() throws IOException {
    return (Files.exists(wireIn) ? Files.readString(wireIn, StandardCharsets.UTF_8) : "") + "\n"
        + (Files.exists(wireOut) ? Files.readString(wireOut, StandardCharsets.UTF_8) : "");
  }

  private boolean closed;

  /** Closes standard input of the server (it ends its leases and exits); idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      client.closeGracefully();
    }
  }
}
