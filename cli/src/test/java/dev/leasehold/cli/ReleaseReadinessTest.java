package dev.leasehold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules for what the build publishes, checked over the whole repository (the cli module is built last
 * among the published modules, and its tests run from {@code cli/}).
 */
class ReleaseReadinessTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern PUBLIC_TYPE = Pattern.compile(
      "^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)",
      Pattern.MULTILINE);
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

  @Test
  void everyPublicTopLevelTypeOfAPublishedModuleHasAJavadocComment() throws IOException {
    List<String> undocumented = new ArrayList<>();
    for (String module : publishedModules()) {
      Path sources = ROOT.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(sources)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(sources)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String text = Files.readString(file);
          Matcher m = PUBLIC_TYPE.matcher(text);
          if (m.find() && !hasJavadocBefore(text, m.start())) {
            undocumented.add(ROOT.relativize(file) + " (" + m.group(1) + ")");
          }
        }
      }
    }
    assertThat(undocumented).as("public types without a Javadoc comment").isEmpty();
  }

  @Test
  void theBomPinsEveryPublishedModuleAndNothingElse() throws IOException {
    String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
    assertThat(bom).doesNotContain("<parent>");
    List<String> published = publishedModules().stream().map(m -> "leasehold-" + m).toList();
    assertThat(published).contains("leasehold-core", "leasehold-testing", "leasehold-approval-spi");
    for (String artifact : published) {
      assertThat(bom).as("bom/pom.xml lists " + artifact).contains("<artifactId>" + artifact + "</artifactId>");
    }
    assertThat(bom).doesNotContain("leasehold-examples", "leasehold-benchmarks");
  }

  @Test
  void theDetectorSeesAMissingComment() {
    String undocumented = "package x;\n\nimport y;\n\npublic final class Bare {}\n";
    String documented = "package x;\n\n/** Says why. */\n@Deprecated\npublic final class Fine {}\n";
    Matcher bare = PUBLIC_TYPE.matcher(undocumented);
    Matcher fine = PUBLIC_TYPE.matcher(documented);
    assertThat(bare.find() && !hasJavadocBefore(undocumented, bare.start())).isTrue();
    assertThat(fine.find() && hasJavadocBefore(documented, fine.start())).isTrue();
  }

  /** Modules that are built into published artifacts: all but the BOM and those marked unpublished. */
  private static List<String> publishedModules() throws IOException {
    List<String> modules = new ArrayList<>();
    Matcher m = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (m.find()) {
      String module = m.group(1);
      String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
      if (!module.equals("bom") && !pom.contains("<leasehold.unpublished>true</leasehold.unpublished>")) {
        modules.add(module);
      }
    }
    return modules;
  }

  /** True when the declaration at {@code at} is preceded (past annotations) by a closed Javadoc comment. */
  private static boolean hasJavadocBefore(String text, int at) {
    String before = text.substring(0, at).stripTrailing();
    while (true) {
      int lineStart = before.lastIndexOf('\n') + 1;
      String line = before.substring(lineStart).strip();
      if (line.startsWith("@")) {
        before = before.substring(0, lineStart).stripTrailing();
        continue;
      }
      return line.endsWith("*/") && before.lastIndexOf("/**") > before.lastIndexOf("*/", before.length() - 3);
    }
  }
}
