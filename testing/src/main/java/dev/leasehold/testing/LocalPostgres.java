package dev.leasehold.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for tests: {@code initdb} into a fresh temporary directory, {@code postgres} on a
 * free loopback port, removed again by {@link #close()}. It uses the server binaries installed on the machine
 * (Debian's {@code postgresql} package: {@code /usr/lib/postgresql/N/bin}, or the directory in the
 * {@code LEASEHOLD_PG_BIN} environment variable), never a container.
 *
 * <p>The rules: the server only listens on 127.0.0.1 and in its own directory; the superuser
 * {@value #SUPERUSER} logs in with a random password (SCRAM), so the roles a test creates are checked the way
 * production checks them; PostgreSQL refuses to run as root, so under root the data directory is handed to
 * the {@code postgres} account (created by the Debian package) and the server runs as that account; every
 * wait has a deadline. A missing installation fails with a message that says what to install; it is never a
 * silent skip.
 *
 * <pre>{@code
 * try (LocalPostgres pg = LocalPostgres.start()) {
 *   String url = pg.jdbcUrl("postgres");  // jdbc:postgresql://127.0.0.1:PORT/postgres
 *   ... DriverManager.getConnection(url, LocalPostgres.SUPERUSER, pg.superuserPassword()) ...
 * }
 * }</pre>
 */
public final class LocalPostgres implements AutoCloseable {
  /** The superuser's name. */
  public static final String SUPERUSER = "leasehold_admin";

  private static final long DEADLINE_SECONDS = 60;

  private final Path bin;
  private final Path root;
  private final Path data;
  private final int port;
  private final String password;
  private final String runAs;
  private volatile boolean running;

  private LocalPostgres(Path bin, Path root, int port, String password, String runAs) {
    this.bin = bin;
    this.root = root;
    this.data = root.resolve("data");
    this.port = port;
    this.password = password;
    this.runAs = runAs;
  }

  /**
   * Creates and starts a server with settings for tests ({@code fsync=off}: a crash of the machine may lose
   * the test's data, nothing else changes).
   *
   * @throws IllegalStateException when PostgreSQL is not installed or does not start in time
   */
  public static LocalPostgres start() {
    Path bin = findBinaries();
    String runAs = isRoot() ? "postgres" : null;
    try {
      Path root = Files.createTempDirectory("leasehold-pg-");
      byte[] secret = new byte[18];
      new SecureRandom().nextBytes(secret);
      String password = HexFormat.of().formatHex(secret);
      LocalPostgres pg = new LocalPostgres(bin, root, freePort(), password, runAs);
      pg.init();
      pg.startServer();
      Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "leasehold-pg-stop"));
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare a PostgreSQL data directory: " + e.getMessage(), e);
    }
  }

  /** The loopback port the server listens on. */
  public int port() {
    return port;
  }

  /** A JDBC URL for {@code database} on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** The superuser's password (random per server). */
  public String superuserPassword() {
    return password;
  }

  /** Whether the server is running (between start or {@link #restart()} and {@link #stop()}). */
  public boolean isRunning() {
    return running;
  }

  /**
   * Stops the server at once, as a crash would ({@code pg_ctl stop -m immediate}); the data directory stays,
   * so {@link #restart()} brings the same database back.
   */
  public void stop() {
    if (running) {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "-t",
          String.valueOf(DEADLINE_SECONDS), "stop"), "stop PostgreSQL");
      running = false;
    }
  }

  /** Starts a stopped server again on the same port. */
  public void restart() {
    if (!running) {
      startServer();
    }
  }

  /** Stops the server and deletes its directory. Idempotent. */
  @Override
  public synchronized void close() {
    try {
      stop();
    } catch (RuntimeException e) {
      // Best effort: the directory is removed below either way.
    }
    if (Files.exists(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A leftover temporary directory is not worth failing a test for.
      }
    }
  }

  @Override
  public String toString() {
    return "LocalPostgres[127.0.0.1:" + port + (running ? ", running" : ", stopped") + "]";
  }

  private void init() throws IOException {
    Path pwfile = root.resolve("pwfile");
    Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
    if (runAs != null) {
      UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(root, users.lookupPrincipalByName(runAs));
      Files.setOwner(pwfile, users.lookupPrincipalByName(runAs));
    }
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
        "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"), "initialise a PostgreSQL data directory");
    Files.delete(pwfile);
  }

  private void startServer() {
    String options = "-p " + port + " -h 127.0.0.1 -k " + root + " -c fsync=off -c full_page_writes=off"
        + " -c max_connections=200";
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", root.resolve("server.log").toString(),
        "-o", options, "-w", "-t", String.valueOf(DEADLINE_SECONDS), "start"), "start PostgreSQL");
    running = true;
  }

  private void run(List<String> command, String what) {
    List<String> full = new ArrayList<>();
    if (runAs != null) {
      full.addAll(List.of("runuser", "-u", runAs, "--"));
    }
    full.addAll(command);
    try {
      Process process = new ProcessBuilder(full).directory(root.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      if (!process.waitFor(DEADLINE_SECONDS + 10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("Could not " + what + " within " + DEADLINE_SECONDS + " s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("Could not " + what + " (exit " + process.exitValue() + "): " + output.strip()
            + serverLog());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not " + what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while trying to " + what, e);
    }
  }

  private String serverLog() {
    try {
      Path log = root.resolve("server.log");
      return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static Path findBinaries() {
    String configured = System.getenv("LEASEHOLD_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      Path bin = Path.of(configured);
      if (Files.isExecutable(bin.resolve("initdb"))) {
        return bin;
      }
      throw new IllegalStateException("LEASEHOLD_PG_BIN=" + configured + " holds no initdb");
    }
    Path base = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (Stream<Path> versions = Files.list(base)) {
        Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
            .max(Comparator.comparingInt(LocalPostgres::majorVersion)).orElse(null);
        if (newest != null) {
          return newest.resolve("bin");
        }
      } catch (IOException e) {
        // Reported below.
      }
    }
    throw new IllegalStateException("No PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and "
        + "LEASEHOLD_PG_BIN). Install them: apt-get install -y postgresql");
  }

  private static int majorVersion(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name").toLowerCase(Locale.ROOT));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
