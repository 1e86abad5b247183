package dev.leasehold.examples.langchain4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The system-prompt block an agent with {@link AwsTools} needs: how to ask for AWS access (smallest role,
 * one concrete reason, wait for the human, never retry a denial, never ask to widen a role).
 *
 * <p>Put it in the system message, next to your own instructions:
 * <pre>{@code
 * AiServices.builder(Assistant.class).systemMessageProvider(memoryId -> AwsAccessRules.text()) ...
 * }</pre>
 * The text lives in the classpath resource {@value #RESOURCE}; copy it and adapt the wording, but keep
 * every rule. Thread-safe.
 */
public final class AwsAccessRules {
  /** The classpath resource holding the rules. */
  public static final String RESOURCE = "/dev/leasehold/examples/langchain4j/aws-access-rules.md";

  private AwsAccessRules() {}

  /**
   * The rules, as Markdown.
   *
   * @throws IllegalStateException when the resource is missing from the classpath
   */
  public static String text() {
    try (InputStream in = AwsAccessRules.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
