package dev.leasehold.cli;

import dev.leasehold.fleet.postgres.PostgresFleet;
import dev.leasehold.internal.SecretFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The options that reach the fleet's PostgreSQL database, shared by every command that uses it ({@code audit
 * verify --jdbc}, and the broker of a fleet). The password is read from a file, never taken on the command
 * line (where {@code ps} shows it to every user) and never printed: messages show the URL without its query
 * string and the role name only.
 */
final class FleetOptions {
  @Option(names = {"--fleet-jdbc", "--jdbc"}, paramLabel = "URL",
      description = "The fleet's PostgreSQL database, such as jdbc:postgresql://db.internal:5432/leasehold"
          + "?sslmode=verify-full. Put no password in it: use --fleet-password-file.")
  String jdbcUrl;

  @Option(names = {"--fleet-user", "--db-user"}, paramLabel = "ROLE",
      description = "The database role (see the grants in docs/fleet.md).")
  String user;

  @Option(names = {"--fleet-password-file", "--db-password-file"}, paramLabel = "FILE",
      description = "A file holding the role's password (one line; keep it mode 0600). Without it the driver "
          + "tries the role without a password (or PGPASSFILE).")
  Path passwordFile;

  /** Whether a database was named. */
  boolean isSet() {
    return jdbcUrl != null;
  }

  /** The URL without its query string (which may hold credentials), for messages. */
  String displayUrl() {
    int q = jdbcUrl.indexOf('?');
    return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q) + "?...";
  }

  /** Checks the options; a problem is a usage error that names the option. */
  void validate(CommandSpec spec) {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fleet-jdbc takes a PostgreSQL JDBC URL "
          + "(jdbc:postgresql://HOST:PORT/DATABASE), was '" + displayUrl() + "'");
    }
    if (jdbcUrl.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fleet-jdbc must not hold a password (the "
          + "command line is visible to every user of the machine); put it in a file for --fleet-password-file");
    }
    if (user == null || user.isBlank()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fleet-user is required with --fleet-jdbc");
    }
  }

  /** The password from {@link #passwordFile}, or null when none was given; warns when others may read the file. */
  String password(CommandSpec spec, PrintStream err) {
    if (passwordFile == null) {
      return null;
    }
    if (!Files.isRegularFile(passwordFile)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fleet-password-file: no file at "
          + passwordFile);
    }
    try {
      if (!SecretFiles.openToOthers(passwordFile).isEmpty()) {
        err.println("leasehold: warning: " + passwordFile + " can be read by group or others; chmod 600 it");
      }
      String text = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--fleet-password-file: " + passwordFile
            + " is empty");
      }
      return text;
    } catch (IOException e) {
      throw new CliException("Cannot read --fleet-password-file " + passwordFile + " ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * A plain connection for a one-off task (such as verifying the audit chain), with bounded connect and read
   * timeouts. The caller closes it.
   */
  Connection connect(CommandSpec spec, PrintStream err) {
    validate(spec);
    Properties props = new Properties();
    props.setProperty("user", user);
    String password = password(spec, err);
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "10");
    props.setProperty("socketTimeout", "300");
    props.setProperty("ApplicationName", "leasehold-cli");
    try {
      return DriverManager.getConnection(jdbcUrl, props);
    } catch (SQLException e) {
      throw new CliException("Cannot connect to the fleet database " + displayUrl() + " as role '" + user + "': "
          + e.getMessage() + " [SQLState " + e.getSQLState() + "]", e);
    }
  }

  /** A fleet builder for these options (for a broker that joins the fleet); the caller sets the rest. */
  PostgresFleet.Builder fleet(CommandSpec spec, PrintStream err) {
    validate(spec);
    String password = password(spec, err);
    return PostgresFleet.builder().jdbcUrl(jdbcUrl).user(user).password(password == null ? "" : password);
  }
}
