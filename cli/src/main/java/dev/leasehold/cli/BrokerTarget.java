package dev.leasehold.cli;

import dev.leasehold.internal.BrokerClient;
import dev.leasehold.internal.CredentialGuard;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where a running broker is ({@code --broker} or {@code LEASEHOLD_BROKER}) and the client token that opens it. */
final class BrokerTarget {
  /** The environment variable naming the broker's URL. */
  static final String BROKER_VARIABLE = "LEASEHOLD_BROKER";
  /** The environment variable holding the client token (prefer the file variable). */
  static final String TOKEN_VARIABLE = CredentialGuard.BROKER_TOKEN_VARIABLE;
  /** The environment variable naming a file holding the client token. */
  static final String TOKEN_FILE_VARIABLE = CredentialGuard.BROKER_TOKEN_FILE_VARIABLE;

  @Option(names = "--broker", paramLabel = "URL",
      description = "A running Leasehold broker, such as http://127.0.0.1:8512 (default: $" + BROKER_VARIABLE
          + "). Without one, the flow runs in this process.")
  URI broker;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "The file holding this client's broker token (default: $" + TOKEN_FILE_VARIABLE + ", else $"
          + TOKEN_VARIABLE + ").")
  Path tokenFile;

  /** The broker's URL, or null when none is configured. */
  URI url(Cli cli, CommandSpec spec) {
    URI url = broker;
    if (url == null && cli.env.get(BROKER_VARIABLE) != null && !cli.env.get(BROKER_VARIABLE).isBlank()) {
      url = URI.create(cli.env.get(BROKER_VARIABLE).strip());
    }
    return url == null ? null : AwsSetup.endpoint(spec, url, "--broker");
  }

  /** A client of the configured broker. */
  BrokerClient client(Cli cli, CommandSpec spec, URI url) {
    return new BrokerClient(url, token(cli, spec), Duration.ofMinutes(65));
  }

  String token(Cli cli, CommandSpec spec) {
    Path file = tokenFile;
    if (file == null && cli.env.get(TOKEN_FILE_VARIABLE) != null) {
      file = Path.of(cli.env.get(TOKEN_FILE_VARIABLE));
    }
    if (file != null) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new CliException("Cannot read the broker token file " + file + ": " + e.getMessage(), e);
      }
    }
    String token = cli.env.get(TOKEN_VARIABLE);
    if (token == null || token.isBlank()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "A broker needs this client's token: "
          + "--token-file FILE, or $" + TOKEN_FILE_VARIABLE + " or $" + TOKEN_VARIABLE + ".");
    }
    return token.strip();
  }
}
