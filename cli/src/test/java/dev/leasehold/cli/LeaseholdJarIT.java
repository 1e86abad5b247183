package dev.leasehold.cli;

import static dev.leasehold.cli.CliRun.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded cli/target/leasehold.jar itself, run with java -jar after package (maven-failsafe). */
class LeaseholdJarIT {
  static final Path JAR = Path.of(System.getProperty("leasehold.jar", "target/leasehold.jar"));

  record Run(int exit, String out, String err) {}

  private static Run java(Path dir, File stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    Collections.addAll(command, args);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(stdin != null ? ProcessBuilder.Redirect.from(stdin) : ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    Process p = pb.start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("leasehold " + String.join(" ", args) + " finishes within a minute").isTrue();
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void theReadmeDemoRunsFromTheJarWithPipedAnswers(@TempDir Path dir) throws Exception {
    Run r = java(dir, new File(resource("demo-answers.txt")), "demo");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("APPROVED by", "refused before it left the process", "Refused from the cool-down",
        "audit trail intact", "Demo finished.");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void theJarIsRunnableAndSelfContained(@TempDir Path dir) throws Exception {
    Run version = java(dir, null, "--version");
    Run usage = java(dir, null, "policy", "render", resource("reference-catalog.yaml"), "--kind", "trust");

    assertThat(version.exit()).isZero();
    assertThat(version.out()).startsWith("leasehold ");
    assertThat(usage.exit()).isEqualTo(2);
  }

  @Test
  void theConsoleProviderIsFoundByNameInTheJar(@TempDir Path dir) throws Exception {
    Run r = java(dir, null, "credential-process", "--catalog", resource("reference-catalog.yaml"), "--role",
        "s3-deploy", "--reason", "upload release 1.4.2 artifacts to the deploy bucket", "--profile", "agent",
        "--approval", "slack");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("Installed channels: console");
  }

  @Test
  void theMcpServerInTheJarAnswersTheMcpJavaSdksClientOverStdio(@TempDir Path dir) throws Exception {
    Path token = Files.writeString(dir.resolve("client-token"), "agent-client-token-for-tests-0123456789abcdefgh");
    io.modelcontextprotocol.client.transport.ServerParameters params =
        io.modelcontextprotocol.client.transport.ServerParameters.builder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString())
        .args("-jar", JAR.toString(), "mcp", "--broker", "http://127.0.0.1:9", "--token-file", token.toString(),
            "--audit-log", dir.resolve("mcp-audit.jsonl").toString())
        .build();
    var transport = new io.modelcontextprotocol.client.transport.StdioClientTransport(params,
        new io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper()));
    try (var client = io.modelcontextprotocol.client.McpClient.sync(transport)
        .requestTimeout(java.time.Duration.ofSeconds(60)).initializationTimeout(java.time.Duration.ofSeconds(60))
        .build()) {
      assertThat(client.initialize().serverInfo().name()).isEqualTo("leasehold");
      assertThat(client.listTools().tools()).extracting(io.modelcontextprotocol.spec.McpSchema.Tool::name)
          .containsExactlyInAnyOrder("list_aws_roles", "request_aws_lease", "call_aws", "end_aws_lease");
      var roles = client.callTool(new io.modelcontextprotocol.spec.McpSchema.CallToolRequest("list_aws_roles",
          java.util.Map.of()));
      assertThat(roles.isError()).isTrue();
      assertThat(((io.modelcontextprotocol.spec.McpSchema.TextContent) roles.content().get(0)).text())
          .contains("broker at http://127.0.0.1:9 is unavailable", "Tell the user");
    }
  }

  @Test
  void theManifestAndContentsAreThoseOfARunnableLeanJar() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      Manifest manifest = jar.getManifest();
      assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo("dev.leasehold.cli.Main");
      assertThat(manifest.getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo("dev.leasehold.cli");
      List<String> names = jar.stream().map(JarEntry::getName).toList();
      assertThat(names).noneMatch(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
      assertThat(names).noneMatch(n -> n.startsWith("io/netty/") || n.startsWith("org/apache/hc/")
          || n.startsWith("software/amazon/awssdk/http/nio/netty/") || n.startsWith("software/amazon/awssdk/http/apache"));
      assertThat(names).contains("dev/leasehold/cli/reference-catalog.yaml", "simplelogger.properties");
      String providers = new String(jar.getInputStream(jar.getEntry(
          "META-INF/services/dev.leasehold.approval.ApprovalChannelProvider")).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(providers).contains("dev.leasehold.approval.console.ConsoleApprovalChannelProvider");
      String http = new String(jar.getInputStream(jar.getEntry(
          "META-INF/services/software.amazon.awssdk.http.SdkHttpService")).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(http.lines().filter(l -> !l.isBlank() && !l.startsWith("#")))
          .containsExactly("software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService");
    }
  }
}
