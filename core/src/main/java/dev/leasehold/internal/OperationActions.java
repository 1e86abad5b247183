package dev.leasehold.internal;

import dev.leasehold.policy.internal.ServiceAuthorization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The IAM actions an SDK operation needs, from AWS's service authorization data: {@code prefix:Operation}
 * when AWS has that action, otherwise the reviewed table of exceptions in {@value #RESOURCE} (operations
 * whose action is named differently, operations that need several actions, and operations newer than the
 * data, which map to nothing). An operation that maps to nothing is never guessed: the guard refuses it with
 * {@link #unmappedMessage(String)}. Read once, immutable, thread-safe.
 */
public final class OperationActions {
  /** The class-path resource of the exceptions table. */
  public static final String RESOURCE = "/dev/leasehold/iam/operation-actions.txt";

  /** Service name or signing name (lower case, no spaces) to IAM prefix, where they differ. */
  private static final Map<String, String> PREFIXES = Map.ofEntries(
      Map.entry("monitoring", "cloudwatch"), Map.entry("cloudwatchlogs", "logs"),
      Map.entry("rdsdata", "rds-data"), Map.entry("elasticloadbalancingv2", "elasticloadbalancing"),
      Map.entry("sfn", "states"), Map.entry("dynamodbstreams", "dynamodb"),
      Map.entry("eventbridge", "events"), Map.entry("cloudwatchevents", "events"));

  private static final class Holder {
    static final Map<String, List<String>> EXCEPTIONS = load();
  }

  private OperationActions() {}

  /** The IAM prefix of a service, from the SDK's signing name or (without one) its service name. */
  public static String prefix(String signingName, String serviceName) {
    String candidate = (signingName != null ? signingName : serviceName).toLowerCase(Locale.ROOT).replace(" ", "");
    return PREFIXES.getOrDefault(candidate, candidate);
  }

  /**
   * Every action {@code prefix:operation} needs, the call's main action first; empty when AWS's data has
   * none for it (the caller refuses the call).
   */
  public static List<String> actionsFor(String prefix, String operation) {
    String key = (prefix + ":" + operation).toLowerCase(Locale.ROOT);
    List<String> listed = Holder.EXCEPTIONS.get(key);
    if (listed != null) {
      return listed;
    }
    ServiceAuthorization.Action known = ServiceAuthorization.bundled().action(key);
    return known == null ? List.of() : List.of(known.qualifiedName());
  }

  /** Whether the table lists the operation (as renamed, multi-action or not yet published). */
  public static boolean isListed(String prefix, String operation) {
    return Holder.EXCEPTIONS.containsKey((prefix + ":" + operation).toLowerCase(Locale.ROOT));
  }

  /** Why {@code prefix:Operation} is refused when it maps to no action, with the closest actions AWS has. */
  public static String unmappedMessage(String operation) {
    List<String> close = dev.leasehold.policy.IamActions.suggestions(operation);
    if (close.isEmpty()) {
      close = dev.leasehold.policy.IamActions.nearest(operation);
    }
    ServiceAuthorization data = ServiceAuthorization.bundled();
    return "the SDK operation " + operation + " maps to no IAM action in AWS's service authorization data ("
        + data.sourcePackage() + " " + data.sourceVersion() + " of " + data.sourceDate() + ")"
        + (close.isEmpty() ? "" : "; the closest actions are " + String.join(", ", close))
        + ". Leasehold does not guess: if you know the action it needs, add it with "
        + "AwsSessionFactory.builder().actionMapping(\"" + operation + "\", \"prefix:Action\")";
  }

  /** The exceptions table, keyed by lower-cased {@code prefix:Operation}. */
  static Map<String, List<String>> load() {
    Map<String, List<String>> out = new HashMap<>();
    try (InputStream raw = OperationActions.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path; the leasehold-core jar is "
            + "incomplete.");
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        int hash = line.indexOf('#');
        String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
        if (text.isEmpty()) {
          continue;
        }
        String[] fields = text.split("\\s+");
        List<String> actions = new ArrayList<>();
        for (int i = 1; i < fields.length; i++) {
          if (!fields[i].equals("-")) {
            actions.add(fields[i]);
          }
        }
        out.put(fields[0].toLowerCase(Locale.ROOT), List.copyOf(actions));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
    return Map.copyOf(out);
  }
}
