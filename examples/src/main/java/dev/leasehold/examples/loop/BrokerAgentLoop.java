package dev.leasehold.examples.loop;

import dev.leasehold.AwsSessionFactory;
import dev.leasehold.catalog.RoleCatalog;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The agent loop in broker mode: the same {@link AgentLoop}, with a factory that asks a Leasehold broker
 * running as another OS user or in a sidecar container. The agent's process holds the broker's URL, its
 * client token and the catalog (roles and permissions, which its guard checks calls against), and no AWS
 * identity, approval-channel secret or audit key at all.
 *
 * <pre>{@code
 * // the broker, as its own user:  leasehold broker --catalog leasehold.yaml --profile hermes-agent \
 * //     --approval slack --approval-config slack.properties --token-file /run/leasehold/client-token
 * try (AwsSessionFactory leasehold = BrokerAgentLoop.connect(ExampleCatalog.hermes(),
 *         URI.create("http://127.0.0.1:8512"), Path.of("/run/leasehold/client-token"))) {
 *   List<Outcome> report = new AgentLoop(leasehold).run(tasks);
 *   report.forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>What changes for the loop: nothing in {@link AgentLoop#attempt(Task)}. Refusals arrive as the same
 * typed exceptions, a broker that cannot be reached is a {@code BrokerUnavailableException} (reported as
 * {@link Outcome.Status#UNAVAILABLE}, which stops the run), and closing a session ends the lease at the broker.
 */
public final class BrokerAgentLoop {
  private BrokerAgentLoop() {}

  /**
   * A factory backed by the broker at {@code broker}, with the client token read from {@code tokenFile}.
   *
   * @param catalog the same catalog the broker serves
   * @param broker the broker's URL
   * @param tokenFile the file holding this agent's client token (readable by the agent only)
   * @return the factory; the caller closes it
   * @throws IOException when the token file cannot be read
   */
  public static AwsSessionFactory connect(RoleCatalog catalog, URI broker, Path tokenFile) throws IOException {
    return connect(catalog, broker, tokenFile, System.getenv());
  }

  /**
   * Like {@link #connect(RoleCatalog, URI, Path)}, checking {@code environment} (instead of the process's) for
   * AWS credential variables, which a broker-mode agent must not hold.
   *
   * @param catalog the same catalog the broker serves
   * @param broker the broker's URL
   * @param tokenFile the file holding this agent's client token
   * @param environment the environment to check
   * @return the factory; the caller closes it
   * @throws IOException when the token file cannot be read
   */
  public static AwsSessionFactory connect(RoleCatalog catalog, URI broker, Path tokenFile,
      Map<String, String> environment) throws IOException {
    Objects.requireNonNull(catalog, "catalog == null");
    String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    return AwsSessionFactory.builder().catalog(catalog).broker(broker, token).environment(environment).build();
  }
}
