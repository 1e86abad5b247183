package dev.leasehold.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published jars on the module path, as a modular application uses them: both approval channels load
 * through {@link java.util.ServiceLoader}, the API packages are readable, and the {@code internal} packages can
 * be neither compiled against nor reached reflectively. The Slack channel and the Slack SDK stay on the class
 * path: the SDK splits packages across two jars, which the module system refuses (docs/decisions.md, "Module
 * descriptors"). The jars are the ones this build packaged, so run it through {@code verify} (in {@code test}
 * alone the reactor hands over class folders, not jars).
 */
class ModulePathTest {
  /** Libraries of the tests themselves and of the examples' own code: not part of the modular application. */
  private static final List<String> NOT_THE_APPLICATION = List.of("junit-", "opentest4j", "apiguardian",
      "assertj-", "byte-buddy", "wiremock", "archunit", "langchain4j", "slf4j-simple", "leasehold-testing",
      "-tests.jar", "hamcrest", "awaitility", "logback");
  /** The Slack channel and what only it needs: the class path. */
  private static final List<String> SLACK = List.of("leasehold-approval-slack", "/com/slack/", "/com/squareup/",
      "/org/jetbrains/", "/com/google/code/gson/", "/org/java-websocket/");

  @TempDir static Path work;
  static String modulePath;
  static String classPath;
  static List<Path> slackSdk;

  @BeforeAll
  static void paths() throws IOException {
    String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> modules = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    for (String entry : testClassPath.split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (entry.isEmpty() || entry.contains("examples" + File.separator + "target")
          || NOT_THE_APPLICATION.stream().anyMatch(name::contains)) {
        continue;
      }
      if (name.startsWith("leasehold-") || entry.contains("target" + File.separator + "classes")) {
        assertThat(name).as("the module path needs the packaged Leasehold jars; run this test through verify")
            .endsWith(".jar");
      }
      (SLACK.stream().anyMatch(entry::contains) ? classes : modules).add(entry);
    }
    modulePath = String.join(File.pathSeparator, modules);
    classPath = String.join(File.pathSeparator, classes);
    slackSdk = classes.stream().filter(e -> e.contains("/com/slack/")).map(Path::of).collect(Collectors.toList());
    assertThat(classes).anyMatch(e -> e.contains("leasehold-approval-slack"));
    assertThat(slackSdk).hasSize(2);
    // Every entry must be a valid module (explicit or automatic) before the JVM is asked to resolve them.
    ModuleFinder.of(modules.stream().map(Path::of).toArray(Path[]::new)).findAll();
  }

  @Test
  void bothChannelsLoadThroughServiceLoaderAndInternalsStayClosed() throws Exception {
    Path src = work.resolve("probe-src");
    write(src.resolve("module-info.java"),
        "module probe { requires dev.leasehold.core; uses dev.leasehold.approval.ApprovalChannelProvider; }");
    write(src.resolve("probe/Main.java"), String.join("\n",
        "package probe;",
        "import dev.leasehold.approval.ApprovalChannelProvider;",
        "import dev.leasehold.approval.ApprovalChannels;",
        "import java.util.Map;",
        "import java.util.ServiceLoader;",
        "public final class Main {",
        "  public static void main(String[] args) throws Exception {",
        "    System.out.println(\"names=\" + ApprovalChannels.names(Main.class.getClassLoader()));",
        "    for (ApprovalChannelProvider p : ServiceLoader.load(ApprovalChannelProvider.class)) {",
        "      System.out.println(\"provider=\" + p.name() + \" in \" + p.getClass().getModule().getName());",
        "    }",
        "    try {",
        "      ApprovalChannels.load(\"slack\", Map.of(\"nonsense\", \"1\"));",
        "    } catch (RuntimeException e) {",
        "      System.out.println(\"slack.create=\" + e.getClass().getSimpleName() + \": \" + e.getMessage());",
        "    }",
        "    Module core = dev.leasehold.AwsSessionFactory.class.getModule();",
        "    Module broker = ModuleLayer.boot().findModule(\"dev.leasehold.broker\").orElseThrow();",
        "    System.out.println(\"core=\" + core.getName());",
        "    System.out.println(\"api.exported=\" + core.isExported(\"dev.leasehold\"));",
        "    System.out.println(\"internal.exported=\" + core.isExported(\"dev.leasehold.internal\"));",
        "    System.out.println(\"internal.toBroker=\" + core.isExported(\"dev.leasehold.internal\", broker));",
        "    Class<?> guard = Class.forName(\"dev.leasehold.internal.CredentialGuard\");",
        "    try {",
        "      guard.getDeclaredConstructors()[0].setAccessible(true);",
        "      System.out.println(\"reflect=opened\");",
        "    } catch (RuntimeException e) {",
        "      System.out.println(\"reflect=\" + e.getClass().getSimpleName());",
        "    }",
        "  }",
        "}"));
    Path classes = work.resolve("probe-classes");
    String errors = javac(classes, src.resolve("module-info.java"), src.resolve("probe/Main.java"));
    assertThat(errors).as("javac").doesNotContain("error");

    Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", classes + File.pathSeparator + modulePath, "--class-path", classPath,
        "--add-modules", "dev.leasehold.broker",
        "-m", "probe/probe.Main")
        .redirectErrorStream(true).start();
    java.getOutputStream().close();
    assertThat(java.waitFor(60, TimeUnit.SECONDS)).as("the probe finished").isTrue();
    String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(java.exitValue()).as(out).isZero();
    assertThat(out).contains(
        "names=[console, slack]",
        "provider=console in dev.leasehold.approval.console",
        "provider=slack in null",
        "slack.create=ApprovalChannelException: Unknown Slack approval setting 'nonsense'",
        "core=dev.leasehold.core",
        "api.exported=true",
        "internal.exported=false",
        "internal.toBroker=true",
        "reflect=InaccessibleObjectException");
  }

  @Test
  void theSlackSdkCannotBeOnTheModulePathBecauseItSplitsPackages() {
    ModuleFinder sdk = ModuleFinder.of(slackSdk.toArray(Path[]::new));

    assertThatThrownBy(() -> ModuleLayer.boot().configuration().resolve(sdk, ModuleFinder.of(),
        Set.of("slack.api.client", "slack.api.model")))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("com.slack.api.");
  }

  @Test
  void codeOutsideLeaseholdCannotCompileAgainstAnInternalPackage() throws IOException {
    Path src = work.resolve("leak-src");
    write(src.resolve("module-info.java"), "module leak { requires dev.leasehold.core; }");
    write(src.resolve("leak/Leak.java"), String.join("\n",
        "package leak;",
        "public final class Leak {",
        "  String validate(String reason) {",
        "    return dev.leasehold.internal.ReasonValidator.validate(reason);",
        "  }",
        "}"));

    String errors = javac(work.resolve("leak-classes"), src.resolve("module-info.java"), src.resolve("leak/Leak.java"));

    assertThat(errors).contains("package dev.leasehold.internal is not visible")
        .contains("does not export it to module leak");
  }

  private static String javac(Path out, Path... sources) throws IOException {
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    StringWriter diagnostics = new StringWriter();
    // An explicit, empty class path: in-process javac would otherwise fall back to this JVM's class path.
    Path noClassPath = Files.createDirectories(work.resolve("empty"));
    List<String> args = new ArrayList<>(List.of("--release", "17", "-d", out.toString(), "--module-path", modulePath,
        "--class-path", noClassPath.toString()));
    for (Path source : sources) {
      args.add(source.toString());
    }
    PrintWriter to = new PrintWriter(diagnostics);
    javac.run(to, to, args.toArray(String[]::new));
    to.flush();
    return diagnostics.toString();
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text + "\n");
  }
}
