package dev.leasehold.mcp.internal;

import dev.leasehold.internal.CredentialGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the AWS CLI as a child process whose only credentials are one lease: its environment is the server's minus
 * every variable through which an AWS SDK finds credentials, a profile or a config file, plus the lease's
 * container-credentials URL and token ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI},
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}); the shared credentials and config files are {@code /dev/null}, so a
 * {@code [default]} profile of the OS user cannot win over the lease; instance metadata is off. Standard input is
 * empty, the run has a deadline (the process is killed after it) and each output stream keeps at most
 * {@code outputLimit} bytes. Thread-safe.
 */
public final class CliRunner {
  /**
   * Variables the child never inherits besides {@link CredentialGuard#WITHHELD_FROM_CHILD}: the operator's
   * endpoint and CA bundle (the operator's endpoint is given as {@code --endpoint-url} instead). Every
   * {@code AWS_ENDPOINT_URL_*} is dropped too, and the config file is replaced by {@code /dev/null}.
   */
  static final List<String> OPERATOR_ONLY = List.of("AWS_ENDPOINT_URL", "AWS_CA_BUNDLE");

  /** The outcome of one run; output already cut to the limit (not yet redacted). */
  public record Outcome(int exitCode, String stdout, String stderr, boolean truncated, boolean timedOut) {}

  private final String awsCli;
  private final URI endpoint;
  private final Path workingDirectory;
  private final Map<String, String> environment;
  private final Duration timeout;
  private final int outputLimit;

  /**
   * @param awsCli the AWS CLI executable
   * @param endpoint the operator's endpoint, added as {@code --endpoint-url}, or null
   * @param workingDirectory the child's working directory
   * @param environment the server's environment, from which the child's is derived
   * @param timeout how long one command may run
   * @param outputLimit the bytes kept of each output stream
   */
  public CliRunner(String awsCli, URI endpoint, Path workingDirectory, Map<String, String> environment,
      Duration timeout, int outputLimit) {
    this.awsCli = awsCli;
    this.endpoint = endpoint;
    this.workingDirectory = workingDirectory;
    this.environment = Map.copyOf(environment);
    this.timeout = timeout;
    this.outputLimit = outputLimit;
  }

  /** Runs {@code command} with the lease served at {@code credentialsUri} (token {@code credentialsToken}). */
  public Outcome run(AwsCommand command, URI credentialsUri, String credentialsToken) throws IOException,
      InterruptedException {
    List<String> argv = new ArrayList<>();
    argv.add(awsCli);
    argv.addAll(command.arguments());
    if (endpoint != null) {
      argv.add("--endpoint-url");
      argv.add(endpoint.toString());
    }
    ProcessBuilder pb = new ProcessBuilder(argv).directory(workingDirectory.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(childEnvironment(environment, credentialsUri, credentialsToken));
    Process process = pb.start();
    Capture out = new Capture(process.getInputStream(), outputLimit);
    Capture err = new Capture(process.getErrorStream(), outputLimit);
    boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!done) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    out.join(5_000);
    err.join(5_000);
    return new Outcome(done ? process.exitValue() : -1, out.text(), err.text(), out.truncated || err.truncated,
        !done);
  }

  /** The child's environment: no other credentials, no profile or config file, the lease's endpoint and token. */
  public static Map<String, String> childEnvironment(Map<String, String> parent, URI credentialsUri,
      String credentialsToken) {
    Map<String, String> env = CredentialGuard.leaseEnvironment(parent, credentialsUri, credentialsToken);
    env.keySet().removeIf(k -> OPERATOR_ONLY.contains(k) || k.startsWith("AWS_ENDPOINT_URL"));
    env.put("AWS_CONFIG_FILE", "/dev/null");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_PAGER", "");
    return env;
  }

  /** Reads a stream to its end on its own thread, keeping at most {@code limit} bytes. */
  private static final class Capture extends Thread {
    private final InputStream in;
    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile boolean truncated;

    Capture(InputStream in, int limit) {
      super("leasehold-mcp-capture");
      this.in = in;
      this.limit = limit;
      setDaemon(true);
      start();
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          int room = limit - kept.size();
          if (room > 0) {
            kept.write(buffer, 0, Math.min(room, n));
          }
          if (n > room) {
            truncated = true;
          }
        }
      } catch (IOException ignored) {
        // the process was killed
      }
    }

    String text() {
      synchronized (kept) {
        return kept.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
