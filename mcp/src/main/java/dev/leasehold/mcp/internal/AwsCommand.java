package dev.leasehold.mcp.internal;

import dev.leasehold.InvalidRequestException;
import dev.leasehold.internal.AgentText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An AWS CLI command line as a model wrote it, split into arguments without a shell and checked before anything
 * runs. Quotes ({@code '...'}, {@code "..."}) and backslashes group characters into one argument; nothing else is
 * special: {@code ;}, {@code |}, {@code &}, {@code $(...)}, backticks, {@code >} and globs are literal characters
 * of an argument, because the arguments go to the AWS CLI as an argument vector, never through a shell.
 *
 * <p>Refused before anything runs, each with an {@link InvalidRequestException} that says what to do instead:
 * control or invisible characters; an unterminated quote; environment assignments such as
 * {@code AWS_PROFILE=x}; options that override credentials, endpoints or TLS ({@link #FORBIDDEN_OPTIONS}); options
 * that read parameters from somewhere this check cannot see ({@code --cli-input-json}); commands that mint or print
 * credentials ({@link #CREDENTIAL_COMMANDS}); and file arguments ({@code file://}, {@code fileb://}, absolute
 * paths, {@code ~}, {@code ..}) outside the operator's folder. Immutable.
 */
public final class AwsCommand {
  /** The longest command line accepted, in characters. */
  public static final int MAX_LENGTH = 4096;

  /** Options refused anywhere on the line: the operator decides credentials, endpoints and TLS, not the model. */
  public static final Set<String> FORBIDDEN_OPTIONS = Set.of("--profile", "--endpoint-url", "--no-sign-request",
      "--ca-bundle", "--no-verify-ssl", "--debug", "--cli-input-json", "--cli-input-yaml", "--cli-auto-prompt");

  /**
   * Commands refused whatever the lease allows, because their output is a credential (or they run an interactive
   * session, or change the CLI's own configuration): service to operations, {@code *} for every operation.
   */
  public static final Map<String, Set<String>> CREDENTIAL_COMMANDS = Map.ofEntries(
      Map.entry("sts", Set.of("assume-role", "assume-role-with-saml", "assume-role-with-web-identity",
          "assume-root", "get-session-token", "get-federation-token", "get-web-identity-token")),
      Map.entry("iam", Set.of("create-access-key", "create-service-specific-credential",
          "reset-service-specific-credential", "create-login-profile", "update-login-profile")),
      Map.entry("ecr", Set.of("get-login-password", "get-login", "get-authorization-token")),
      Map.entry("ecr-public", Set.of("get-login-password", "get-authorization-token")),
      Map.entry("codeartifact", Set.of("login", "get-authorization-token")),
      Map.entry("eks", Set.of("get-token")),
      Map.entry("rds", Set.of("generate-db-auth-token", "generate-db-auth-token-v2")),
      Map.entry("redshift", Set.of("get-cluster-credentials", "get-cluster-credentials-with-iam")),
      Map.entry("s3", Set.of("presign")),
      Map.entry("cloudfront", Set.of("sign")),
      Map.entry("cognito-identity", Set.of("get-credentials-for-identity", "get-open-id-token",
          "get-open-id-token-for-developer-identity")),
      Map.entry("sso", Set.of("*")), Map.entry("sso-oidc", Set.of("*")), Map.entry("configure", Set.of("*")),
      Map.entry("login", Set.of("*")), Map.entry("logout", Set.of("*")), Map.entry("history", Set.of("*")),
      Map.entry("cli-dev", Set.of("*")), Map.entry("ssm", Set.of("start-session")),
      Map.entry("ecs", Set.of("execute-command")), Map.entry("ec2-instance-connect", Set.of("*")));

  /** Global options that take a value, so the service name can be found after them. */
  private static final Set<String> GLOBAL_WITH_VALUE = Set.of("--region", "--output", "--query", "--color",
      "--cli-read-timeout", "--cli-connect-timeout", "--cli-binary-format");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);

  private final List<String> arguments;
  private final String service;
  private final String operation;

  private AwsCommand(List<String> arguments, String service, String operation) {
    this.arguments = List.copyOf(arguments);
    this.service = service;
    this.operation = operation;
  }

  /**
   * Splits and checks a command line.
   *
   * @param line the command, with or without the leading {@code aws}
   * @param fileRoot the only folder file arguments may name, or null when none may be named
   * @throws InvalidRequestException when the line is refused; the message says why and what to do
   */
  public static AwsCommand parse(String line, Path fileRoot) {
    if (line == null || line.isBlank()) {
      throw refused("The command is empty; give an AWS CLI command such as 'aws s3api list-buckets'.");
    }
    if (line.length() > MAX_LENGTH) {
      throw refused("The command has " + line.length() + " characters; at most " + MAX_LENGTH + " are accepted.");
    }
    AgentText.requireInert("The command", line);
    List<String> words = split(line);
    if (!words.isEmpty() && words.get(0).equals("aws")) {
      words = words.subList(1, words.size());
    }
    int i = 0;
    while (i < words.size() && words.get(i).startsWith("-")) {
      i += GLOBAL_WITH_VALUE.contains(words.get(i)) ? 2 : 1;
    }
    for (String w : words) {
      checkOption(w);
    }
    if (i + 1 >= words.size()) {
      String first = i < words.size() ? words.get(i) : "";
      if (ASSIGNMENT.matcher(first).matches()) {
        throw assignment(first);
      }
      throw refused("The command names no service and operation; write it as 'aws SERVICE OPERATION [options]', "
          + "such as 'aws s3api put-object --bucket B --key K --body FILE'.");
    }
    String service = words.get(i);
    if (ASSIGNMENT.matcher(service).matches()) {
      throw assignment(service);
    }
    String operation = words.get(i + 1);
    if (!NAME.matcher(service).matches() || !NAME.matcher(operation).matches()) {
      throw refused("'" + printable(service) + " " + printable(operation) + "' is not an AWS CLI service and "
          + "operation (lower-case letters, digits and hyphens). The command is not run through a shell: ';', '|', "
          + "'&&' and '$(...)' are literal characters, so write exactly one AWS CLI command.");
    }
    Set<String> denied = CREDENTIAL_COMMANDS.get(service);
    if (denied != null && (denied.contains("*") || denied.contains(operation))) {
      throw refused("'aws " + service + " " + operation + "' is refused whatever the lease allows: its output is a "
          + "credential, or it configures or opens a session outside the lease. Leasehold never puts a credential in "
          + "the model's context.");
    }
    for (String w : words) {
      checkFile(w, fileRoot);
    }
    return new AwsCommand(words, service, operation);
  }

  /** The arguments after {@code aws}, as they are passed to the AWS CLI. */
  public List<String> arguments() {
    return arguments;
  }

  /** The service, such as {@code s3api} or {@code s3}. */
  public String service() {
    return service;
  }

  /** The operation, such as {@code put-object} or {@code cp}. */
  public String operation() {
    return operation;
  }

  /** The value of {@code --name} ({@code --name value} or {@code --name=value}), if given. */
  public Optional<String> option(String name) {
    for (int i = 0; i < arguments.size(); i++) {
      String w = arguments.get(i);
      if (w.equals(name) && i + 1 < arguments.size()) {
        return Optional.of(arguments.get(i + 1));
      }
      if (w.startsWith(name + "=")) {
        return Optional.of(w.substring(name.length() + 1));
      }
    }
    return Optional.empty();
  }

  /** Whether the flag {@code --name} is given. */
  public boolean flag(String name) {
    return arguments.contains(name);
  }

  /** The arguments after the operation up to the first option: the paths of {@code aws s3 cp A B}. */
  public List<String> positionals() {
    int start = arguments.indexOf(operation) + 1;
    List<String> out = new ArrayList<>();
    for (int i = start; i < arguments.size() && !arguments.get(i).startsWith("--"); i++) {
      out.add(arguments.get(i));
    }
    return out;
  }

  @Override
  public String toString() {
    return "aws " + String.join(" ", arguments);
  }

  /** Splits like a POSIX shell's quoting, without any expansion, redirection or command separation. */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ' ') {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw refused("The command has an unterminated single quote at position " + i + ".");
        }
        word.append(line, i + 1, end);
        i = end;
        inWord = true;
      } else if (c == '"') {
        int j = i + 1;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          char d = line.charAt(j);
          if (d == '\\' && j + 1 < line.length() && (line.charAt(j + 1) == '"' || line.charAt(j + 1) == '\\')) {
            j++;
            d = line.charAt(j);
          }
          word.append(d);
        }
        if (j >= line.length()) {
          throw refused("The command has an unterminated double quote at position " + i + ".");
        }
        i = j;
        inWord = true;
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(++i));
        inWord = true;
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  private static void checkOption(String w) {
    if (!w.startsWith("--")) {
      return;
    }
    int eq = w.indexOf('=');
    String name = (eq < 0 ? w : w.substring(0, eq)).toLowerCase(Locale.ROOT);
    if (FORBIDDEN_OPTIONS.contains(name)) {
      throw refused("The option " + name + " is refused: the operator decides credentials, endpoints and TLS, and "
          + "every parameter must be visible on the command line. Run the command without it; the lease's "
          + "credentials are used automatically.");
    }
  }

  private static void checkFile(String w, Path root) {
    String value = w.startsWith("--") && w.indexOf('=') > 0 ? w.substring(w.indexOf('=') + 1) : w;
    String lower = value.toLowerCase(Locale.ROOT);
    String path;
    if (lower.startsWith("fileb://")) {
      path = value.substring("fileb://".length());
    } else if (lower.startsWith("file://")) {
      path = value.substring("file://".length());
    } else if (value.startsWith("/") || value.startsWith("~") || hasParentSegment(value)) {
      path = value;
    } else if (root != null && existsUnder(root, value)) {
      path = value;
    } else {
      return;
    }
    if (root == null) {
      throw refused("The argument '" + printable(value) + "' names a local file, and this server allows none (the "
          + "operator can allow one folder with --allow-files DIR).");
    }
    if (!inside(root, path)) {
      throw refused("The argument '" + printable(value) + "' names a file outside the allowed folder " + root
          + "; use a path inside it (relative paths are resolved there).");
    }
  }

  private static boolean hasParentSegment(String value) {
    return value.equals("..") || value.startsWith("../") || value.contains("/../") || value.endsWith("/..");
  }

  private static boolean existsUnder(Path root, String value) {
    try {
      return Files.exists(root.resolve(value), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /** Whether {@code path} (relative to {@code root}) stays inside it, following symbolic links that exist. */
  static boolean inside(Path root, String path) {
    if (path.startsWith("~")) {
      return false;
    }
    try {
      Path realRoot = root.toRealPath();
      Path p = realRoot.resolve(path).normalize();
      Path existing = p;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        return false;
      }
      Path real = existing.toRealPath().resolve(existing.relativize(p)).normalize();
      return real.startsWith(realRoot);
    } catch (IOException | InvalidPathException e) {
      return false;
    }
  }

  private static InvalidRequestException assignment(String word) {
    String name = word.substring(0, word.indexOf('='));
    return refused("The command starts with the variable assignment " + printable(name) + "=...; environment "
        + "variables (credential variables such as AWS_PROFILE or AWS_ACCESS_KEY_ID above all) cannot be set. Write "
        + "only the AWS CLI command; the lease's credentials are used automatically.");
  }

  private static String printable(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static InvalidRequestException refused(String message) {
    return new InvalidRequestException(message);
  }
}
