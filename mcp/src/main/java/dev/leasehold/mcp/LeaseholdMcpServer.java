package dev.leasehold.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leasehold.AwsSessionFactory;
import dev.leasehold.audit.AuditSink;
import dev.leasehold.broker.LeaseBroker;
import dev.leasehold.internal.BrokerClient;
import dev.leasehold.mcp.internal.CliRunner;
import dev.leasehold.mcp.internal.LeaseTools;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * A Model Context Protocol server that gives any MCP client human-approved, MFA-gated, intent-narrowed AWS access
 * with no credential ever in the model's context. Four tools: {@code list_aws_roles}, {@code request_aws_lease},
 * {@code call_aws} and {@code end_aws_lease} (schemas in {@code docs/mcp.md}).
 *
 * <p>The rules it enforces: a lease is asked of a Leasehold broker and decided by a human on the broker's approval
 * channel, never through MCP elicitation; the model knows a lease by id only; {@code call_aws} runs one AWS CLI
 * command, parsed without a shell, only when every IAM action it needs is in the lease's intent (and its S3
 * resources in the lease's resources), with no option that overrides credentials or endpoints and no file outside
 * the operator's folder; the CLI child gets the lease through the broker's container-credentials endpoint and no
 * other AWS credential; its output is redacted of anything credential-shaped. Every tool call and refusal is
 * written to the audit sink with the lease id and the MCP client's {@code clientInfo} as the agent.
 *
 * <pre>{@code
 * LeaseholdMcpServer server = LeaseholdMcpServer.builder()
 *     .broker(URI.create("http://127.0.0.1:8512"), clientToken)
 *     .auditSink(new JsonLinesAuditSink(Path.of("mcp-audit.jsonl")))
 *     .allowFiles(Path.of("/home/hermes/work"))
 *     .build();
 * server.serve(System.in, System.out);   // until the client disconnects
 * }</pre>
 *
 * <p>Two modes: {@link Builder#broker(URI, String)} uses a running broker (production: the broker holds the base
 * identity, the channel secrets and the authoritative audit trail); {@link Builder#sessions(AwsSessionFactory)}
 * starts a broker inside this process on a random loopback port, so the AWS CLI child reads the lease from it
 * exactly as from a separate broker (development: the base identity is then in this process).
 *
 * <p>Immutable once built; {@link #serve} may be called once. The caller closes the audit sink and, in embedded
 * mode, the factory; the server closes its in-process broker when {@link #serve} returns.
 */
public final class LeaseholdMcpServer {
  /** The default deadline of one AWS CLI command. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(2);
  /** The default bytes kept of each output stream of one command. */
  public static final int DEFAULT_OUTPUT_LIMIT = 256 * 1024;
  /** The default time a lease request waits for the human (the broker's own deadline comes first). */
  public static final Duration DEFAULT_APPROVAL_WAIT = Duration.ofMinutes(10);

  private final Builder b;

  private LeaseholdMcpServer(Builder b) {
    this.b = b.copy();
  }

  /** A builder; give a broker or a session factory, and an audit sink. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Serves MCP over {@code in} and {@code out} (newline-delimited JSON-RPC, the stdio transport) until the client
   * closes {@code in}. Nothing else may write to {@code out}.
   *
   * @throws InterruptedException when interrupted while serving
   */
  public void serve(InputStream in, OutputStream out) throws InterruptedException {
    LeaseBroker embedded = null;
    Path scratch = null;
    BrokerClient client;
    if (b.factory != null) {
      String token = LeaseBroker.newToken();
      embedded = LeaseBroker.builder().sessions(b.factory).auditSink(b.audit).client("mcp", token).clock(b.clock)
          .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).threads(4).start();
      client = new BrokerClient(embedded.uri(), token, b.approvalWait.plusMinutes(1));
    } else {
      client = new BrokerClient(b.brokerUrl, b.brokerToken, b.approvalWait.plusMinutes(1));
    }
    try {
      scratch = b.fileRoot != null ? null : Files.createTempDirectory("leasehold-mcp-");
      Path workDir = b.fileRoot != null ? b.fileRoot : scratch;
      CliRunner runner = new CliRunner(b.awsCli, b.awsEndpoint, workDir, b.environment, b.commandTimeout,
          b.outputLimit);
      LeaseTools tools = new LeaseTools(new LeaseTools.Settings(() -> client, b.audit, runner, b.fileRoot,
          b.approvalWait, b.clock));
      JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
      CountDownLatch closed = new CountDownLatch(1);
      InputStream watched = new EndWatcher(in, closed);
      StdioServerTransportProvider transport = new StdioServerTransportProvider(mapper, watched, out);
      McpSyncServer server = McpServer.sync(transport)
          .serverInfo(new McpSchema.Implementation("leasehold", "Leasehold", version()))
          .jsonMapper(mapper)
          .jsonSchemaValidator(new DefaultJsonSchemaValidator(new ObjectMapper()))
          .validateToolInputs(true)
          .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
          .instructions("AWS access through Leasehold: call list_aws_roles, then request_aws_lease with a concrete "
              + "reason and the IAM actions the task needs (a human approves it on their own channel), then call_aws "
              + "with the lease id, and end_aws_lease when done. Never ask the user for AWS keys or MFA codes.")
          .requestTimeout(b.approvalWait.plus(b.commandTimeout).plusMinutes(1))
          .tools(tools.specifications())
          .build();
      // A client that goes away closes our input or sends SIGTERM (the MCP SDK's own client does the latter):
      // either way, the leases this conversation asked for end with it.
      Thread hook = new Thread(tools::endAll, "leasehold-mcp-end-leases");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        closed.await();
      } finally {
        server.closeGracefully();
        tools.endAll();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down; the hook runs (endAll is idempotent)
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (embedded != null) {
        embedded.close();
      }
      if (scratch != null) {
        deleteRecursively(scratch);
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover empty scratch folder in the temp directory is harmless
    }
  }

  private static String version() {
    String v = LeaseholdMcpServer.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  @Override
  public String toString() {
    return "LeaseholdMcpServer[" + (b.factory != null ? "embedded" : "broker=" + b.brokerUrl) + "]";
  }

  /** Counts down when the client closes the input (end of stream or a read error). */
  private static final class EndWatcher extends java.io.FilterInputStream {
    private final CountDownLatch closed;

    EndWatcher(InputStream in, CountDownLatch closed) {
      super(in);
      this.closed = closed;
    }

    @Override
    public int read() throws IOException {
      return watch(() -> super.read());
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      return watch(() -> super.read(buf, off, len));
    }

    private int watch(IoRead read) throws IOException {
      try {
        int n = read.read();
        if (n < 0) {
          closed.countDown();
        }
        return n;
      } catch (IOException e) {
        closed.countDown();
        throw e;
      }
    }

    @FunctionalInterface
    private interface IoRead {
      int read() throws IOException;
    }
  }

  /**
   * Configuration of a {@link LeaseholdMcpServer}. Exactly one of {@link #broker(URI, String)} and
   * {@link #sessions(AwsSessionFactory)}; an {@link #auditSink(AuditSink)} always. Not thread-safe.
   */
  public static final class Builder {
    private URI brokerUrl;
    private String brokerToken;
    private AwsSessionFactory factory;
    private AuditSink audit;
    private String awsCli = "aws";
    private URI awsEndpoint;
    private Path fileRoot;
    private Map<String, String> environment = System.getenv();
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int outputLimit = DEFAULT_OUTPUT_LIMIT;
    private Duration approvalWait = DEFAULT_APPROVAL_WAIT;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.brokerUrl = brokerUrl;
      c.brokerToken = brokerToken;
      c.factory = factory;
      c.audit = audit;
      c.awsCli = awsCli;
      c.awsEndpoint = awsEndpoint;
      c.fileRoot = fileRoot;
      c.environment = environment;
      c.commandTimeout = commandTimeout;
      c.outputLimit = outputLimit;
      c.approvalWait = approvalWait;
      c.clock = clock;
      return c;
    }

    /** Uses a running broker at {@code url} with this client's token. */
    public Builder broker(URI url, String clientToken) {
      this.brokerUrl = Objects.requireNonNull(url, "url == null");
      this.brokerToken = Objects.requireNonNull(clientToken, "clientToken == null");
      return this;
    }

    /** Runs the flow in this process: a broker around {@code factory} on a random loopback port. */
    public Builder sessions(AwsSessionFactory factory) {
      this.factory = Objects.requireNonNull(factory, "factory == null");
      return this;
    }

    /** Where every tool call and refusal is recorded (in embedded mode also the flow's own records). */
    public Builder auditSink(AuditSink sink) {
      this.audit = Objects.requireNonNull(sink, "sink == null");
      return this;
    }

    /** The AWS CLI executable (default {@code aws}, found on the PATH). */
    public Builder awsCli(String executable) {
      this.awsCli = Objects.requireNonNull(executable, "executable == null");
      return this;
    }

    /**
     * An endpoint the operator chooses for every AWS CLI command ({@code --endpoint-url}), such as a VPC endpoint or
     * a local stand-in. The model cannot set one: {@code --endpoint-url} in a command is refused.
     */
    public Builder awsEndpoint(URI endpoint) {
      this.awsEndpoint = Objects.requireNonNull(endpoint, "endpoint == null");
      return this;
    }

    /**
     * The one folder commands may read or write files in ({@code file://}, {@code fileb://}, {@code --body},
     * output files); it is also the CLI's working directory. Without it, no existing file can be named and
     * commands run in an empty private folder, removed when {@link #serve} returns.
     */
    public Builder allowFiles(Path folder) {
      Objects.requireNonNull(folder, "folder == null");
      if (!Files.isDirectory(folder)) {
        throw new IllegalArgumentException("allowFiles needs an existing folder, was " + folder);
      }
      this.fileRoot = folder.toAbsolutePath().normalize();
      return this;
    }

    /** The environment the AWS CLI's is derived from (default: this process's); credential variables are dropped. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment == null"));
      return this;
    }

    /** How long one command may run before it is killed (default 2 minutes). */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive(timeout, "commandTimeout");
      return this;
    }

    /** The bytes kept of each of a command's output streams (default 256 KiB). */
    public Builder outputLimit(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("outputLimit must be at least 1024 bytes, was " + bytes);
      }
      this.outputLimit = bytes;
      return this;
    }

    /** How long {@code request_aws_lease} waits for the human (default 10 minutes). */
    public Builder approvalWait(Duration wait) {
      this.approvalWait = positive(wait, "approvalWait");
      return this;
    }

    /** The clock (tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Builds the server.
     *
     * @throws IllegalStateException when neither or both of a broker and a session factory are given, or no audit
     *     sink
     */
    public LeaseholdMcpServer build() {
      if ((brokerUrl == null) == (factory == null)) {
        throw new IllegalStateException("Give exactly one of broker(url, token) (a running broker) and "
            + "sessions(factory) (the flow in this process).");
      }
      if (audit == null) {
        throw new IllegalStateException("An audit sink is required: every tool call and refusal is recorded.");
      }
      return new LeaseholdMcpServer(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
