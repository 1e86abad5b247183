package dev.leasehold;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;

/** Paths of files under {@code src/test/resources} (the shared fixtures are copied there). */
public final class TestResources {
  private TestResources() {}

  /** The path of a test resource, such as {@code fixtures/reference-catalog.yaml}. */
  public static Path path(String name) {
    try {
      return Path.of(Objects.requireNonNull(TestResources.class.getResource("/" + name), name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
