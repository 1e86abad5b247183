package dev.leasehold.cli;

import dev.leasehold.FleetUnavailableException;
import dev.leasehold.audit.AuditKey;
import dev.leasehold.audit.AuditLogException;
import dev.leasehold.broker.LeaseBroker;
import dev.leasehold.fleet.postgres.HandOffKey;
import dev.leasehold.fleet.postgres.PostgresFleet;
import dev.leasehold.internal.SecretFiles;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code leasehold broker}: runs the request flow for agents that hold no AWS identity, until stopped. */
@Command(name = "broker", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the Leasehold broker: it holds the base identity (--profile), the approval channel and the "
        + "audit trail, and serves agents on loopback: the agent API (HTTP/JSON, bearer token) and one AWS "
        + "container-credentials endpoint per lease. Run it as another OS user or in a sidecar container, and give "
        + "the agent only the broker's URL and its client token. Stop it with Ctrl-C or SIGTERM; every lease it "
        + "handed out ends.",
        "  leasehold broker --catalog leasehold.yaml --profile hermes-agent --approval slack --approval-config "
            + "slack.properties --listen 127.0.0.1:8512 --token-file /run/leasehold/client-token",
        "Lease length and the SDKs: botocore (AWS CLI, boto3) cannot use a credential with under 10 minutes left, so a "
            + "15-minute lease gives it 5 usable minutes; give such roles 'duration: 25m'. The AWS SDK for Java v2 and "
            + "the JS/Go SDKs use a lease until about 1 minute before it expires. Refreshes get the same lease and never "
            + "prompt; a lease with under 10 minutes left is refused with an error saying a new approval is needed."})
final class BrokerCommand implements Callable<Integer> {
  private final Cli cli;
  @Spec CommandSpec spec;
  @Mixin FlowOptions flow;

  @Mixin FleetOptions fleetDb;

  @Option(names = "--fleet-key-file", paramLabel = "FILE",
      description = "With --fleet-jdbc: the hand-off key every broker of the fleet shares (Base64, at least 32 "
          + "bytes, mode 0600; make one with: head -c 32 /dev/urandom | base64). Required in a fleet.")
  Path fleetKeyFile;

  @Option(names = "--fleet-audit-key-file", paramLabel = "FILE",
      description = "With --fleet-jdbc: the HMAC key of the fleet's audit chain (as for 'audit verify --key-file'); "
          + "without it the chain is hashed but not keyed.")
  Path fleetAuditKeyFile;

  @Option(names = "--broker-id", paramLabel = "ID",
      description = "With --fleet-jdbc: this broker's id in the fleet (default: broker- and a random UUID).")
  String brokerId;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8512",
      description = "Where to listen (default 127.0.0.1:8512; port 0 picks a free one). Loopback only unless "
          + "--allow-non-loopback.")
  String listen;

  @Option(names = "--allow-non-loopback", description = "Allow a non-loopback address (a warning is logged): only "
      + "behind TLS and a firewall.")
  boolean allowNonLoopback;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "The client token: read from FILE, or created there (0600, 256 random bits) when FILE does not "
          + "exist. Default ~/.leasehold/broker-token.")
  Path tokenFile;

  @Option(names = "--clients", paramLabel = "FILE",
      description = "Per-client tokens instead: a properties file (mode 0600) of agent-name=token lines.")
  Path clientsFile;

  BrokerCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws Exception {
    flow.require(spec);
    InetSocketAddress address = address();
    if (!address.getAddress().isLoopbackAddress() && !allowNonLoopback) {
      throw new CliException("The broker listens on loopback only; " + listen + " is not a loopback address. Use "
          + "127.0.0.1, or --allow-non-loopback behind TLS and a firewall.");
    }
    LeaseBroker.Builder builder = LeaseBroker.builder().clock(cli.clock).listen(address);
    if (allowNonLoopback) {
      builder.allowNonLoopback();
    }
    Path tokens;
    if (clientsFile != null) {
      tokens = clientsFile;
      Properties clients = readPrivate(clientsFile);
      if (clients.isEmpty()) {
        throw new CliException("--clients " + clientsFile + " names no client.");
      }
      for (String name : clients.stringPropertyNames()) {
        builder.client(name, clients.getProperty(name));
      }
    } else {
      tokens = tokenFile != null ? tokenFile : cli.home.resolve(".leasehold").resolve("broker-token");
      builder.client("agent", tokenFrom(tokens));
    }
    FlowOptions.Embedded embedded = flow.start(cli, "broker", joinFleet());
    LeaseBroker broker;
    try {
      broker = builder.sessions(embedded.factory()).auditSink(embedded.sink()).start();
    } catch (RuntimeException e) {
      embedded.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      embedded.close();
      stopped.countDown();
    }, "leasehold-broker-stop"));
    cli.out.println("leasehold broker: listening on " + broker.uri());
    cli.out.println("leasehold broker: client token in " + tokens);
    cli.out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The fleet this broker joins, or null without --fleet-jdbc. Joining refuses to start (before anything is
   * served) when the database is down or its schema does not fit.
   */
  private FlowOptions.Fleet joinFleet() {
    if (!fleetDb.isSet()) {
      if (fleetKeyFile != null || fleetAuditKeyFile != null || brokerId != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--fleet-key-file, --fleet-audit-key-file and "
            + "--broker-id belong to a broker of a fleet: add --fleet-jdbc URL --fleet-user ROLE");
      }
      return null;
    }
    if (flow.auditLog != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--audit-log is not used by a broker of a fleet: "
          + "its audit chain is the fleet's, in PostgreSQL (verify it with 'leasehold audit verify --fleet-jdbc'). "
          + "Drop --audit-log.");
    }
    if (fleetKeyFile == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fleet-key-file is required with --fleet-jdbc: "
          + "the hand-off key every broker of the fleet shares (make one with: head -c 32 /dev/urandom | base64)");
    }
    HandOffKey handOff;
    AuditKey auditKey = null;
    try {
      handOff = HandOffKey.fromFile(fleetKeyFile);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fleet-key-file: " + e.getMessage());
    }
    if (fleetAuditKeyFile != null) {
      try {
        auditKey = AuditKey.fromFile(fleetAuditKeyFile);
      } catch (AuditLogException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--fleet-audit-key-file: " + e.getMessage());
      }
    }
    PostgresFleet.Builder builder = fleetDb.fleet(spec, cli.err).clock(cli.clock);
    if (brokerId != null) {
      try {
        builder.brokerId(brokerId);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--broker-id: " + e.getMessage());
      }
    }
    try {
      return new FlowOptions.Fleet(builder.start(), handOff, auditKey);
    } catch (FleetUnavailableException e) {
      throw new CliException("leasehold broker does not start without its fleet database: " + e.getMessage(), e);
    }
  }

  private InetSocketAddress address() {
    int colon = listen.lastIndexOf(':');
    if (colon < 0 || !listen.substring(colon + 1).matches("\\d{1,5}")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--listen must be HOST:PORT, was '" + listen + "'");
    }
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(listen.substring(colon + 1));
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--listen host '" + host + "' is unknown");
    }
  }

  /** Reads the token in {@code file}, or creates the file (0600) with a new token. */
  static String tokenFrom(Path file) throws IOException {
    if (Files.exists(file)) {
      checkPrivate(file);
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    String token = LeaseBroker.newToken();
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      return tokenFrom(file);
    }
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    return token;
  }

  private static Properties readPrivate(Path file) throws IOException {
    checkPrivate(file);
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return p;
  }

  private static void checkPrivate(Path file) throws IOException {
    if (!SecretFiles.openToOthers(file).isEmpty()) {
      throw new CliException(file + " is readable by others (" + SecretFiles.mode(file)
          + "); tokens must be private: chmod 600 " + file);
    }
  }
}
