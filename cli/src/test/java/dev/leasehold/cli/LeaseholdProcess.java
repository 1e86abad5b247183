package dev.leasehold.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Runs {@code leasehold} as its own process: a wrapper script around this JVM's java and the test class path. */
final class LeaseholdProcess {
  private LeaseholdProcess() {}

  /**
   * Writes an executable {@code leasehold} script into {@code dir} that runs the command line with
   * {@code user.home} set to {@code home}, and appends a line to {@code runs} on every start.
   */
  static Path script(Path dir, Path home, Path runs) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path script = dir.resolve("leasehold");
    Files.writeString(script, "#!/bin/sh\n"
        + "echo run >> '" + runs + "'\n"
        + "export HOME='" + home + "'\n"
        + "exec '" + java + "' -XX:TieredStopAtLevel=1 -Xshare:auto -Duser.home='" + home + "' -cp '"
        + System.getProperty("java.class.path") + "' dev.leasehold.cli.Main \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /** A shell-quoted command line for a credential_process setting. */
  static String commandLine(Path script, List<String> args) {
    StringBuilder b = new StringBuilder(script.toString());
    for (String a : args) {
      b.append(' ').append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.toString();
  }

  /** The lines of {@code file}, or 0 when it does not exist. */
  static long lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }
}
