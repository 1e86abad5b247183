package dev.leasehold.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fresh-process figures that JMH does not measure: the IAM data snapshot's first load in a new JVM, and the
 * {@code leasehold} command's wall time against {@code aws --version} (the Python AWS CLI's own start-up),
 * measured round-robin in one run so that the machine's load hits every command alike. Medians of
 * {@code runs} processes after one discarded warm-up run of each (which fills the page cache).
 */
final class ColdStart {
  /** One measured command: its median and every sample, in milliseconds. */
  record Figure(String id, String what, double medianMs, double[] samplesMs) {}

  private ColdStart() {}

  /** Median milliseconds of {@link IamDataColdLoad} in {@code runs} fresh JVMs on this JVM's class path. */
  static List<Figure> iamData(int runs) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"), IamDataColdLoad.class.getName());
    double[] wall = new double[runs];
    double[] cpu = new double[runs];
    run(command, null, true); // warm-up: page cache
    for (int i = 0; i < runs; i++) {
      String[] out = run(command, null, true).trim().split(" ");
      wall[i] = Long.parseLong(out[0]) / 1e6;
      cpu[i] = Long.parseLong(out[1]) / 1e6;
    }
    return List.of(new Figure("IAM", "IAM data snapshot: bundled() + first lookup, fresh JVM (wall)", median(wall), wall),
        new Figure("IAM-cpu", "the same, CPU time of the loading thread", median(cpu), cpu));
  }

  /**
   * The {@code leasehold} launcher in {@code cliDir} ({@code --help}, and {@code credential-process} answering
   * from its lease cache) against {@code aws --version}, round-robin.
   */
  static List<Figure> cli(Path cliDir, Path aws, int runs) throws IOException, InterruptedException {
    Path launcher = cliDir.resolve("leasehold");
    Path home = Files.createTempDirectory("leasehold-bench-home");
    Path catalog = home.resolve("leasehold.yaml");
    Files.writeString(catalog, "roles:\n  s3-deploy:\n    arn: arn:aws:iam::123456789012:role/hermes-dev-s3-deploy\n"
        + "    allow: [\"s3:GetObject\"]\n    resources: [\"arn:aws:s3:::hermes-dev-deploy/*\"]\n", StandardCharsets.UTF_8);
    String reason = "read the release notes from the deploy bucket";
    writeCachedLease(home, catalog, "hermes-agent", "s3-deploy", reason, "s3:GetObject");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", home.toString());
    env.put("XDG_CACHE_HOME", "");
    Map<String, List<String>> commands = new LinkedHashMap<>();
    commands.put("help", List.of(launcher.toString(), "--help"));
    commands.put("credential-process", List.of(launcher.toString(), "credential-process", "--catalog", catalog.toString(),
        "--role", "s3-deploy", "--reason", reason, "--intent", "s3:GetObject", "--profile", "hermes-agent"));
    commands.put("aws", List.of(aws.toString(), "--version"));
    String cached = run(commands.get("credential-process"), env, true);
    if (!cached.contains("\"AccessKeyId\":\"ASIABENCHMARKCACHED1\"")) {
      throw new IllegalStateException("credential-process did not answer from its cache: " + cached);
    }
    Map<String, double[]> samples = new LinkedHashMap<>();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    Path times = Files.createTempFile("leasehold-bench-time", ".txt");
    boolean timed = Files.isExecutable(Path.of(TIME));
    for (String name : commands.keySet()) {
      samples.put(name, new double[runs]);
      cpu.put(name, new double[runs]);
      run(commands.get(name), env, false); // warm-up
    }
    for (int i = 0; i < runs; i++) {
      for (Map.Entry<String, List<String>> c : commands.entrySet()) {
        List<String> command = c.getValue();
        if (timed) { // the child's CPU time (user + system), which the machine's load does not inflate much
          command = new ArrayList<>(List.of(TIME, "-q", "-f", "%U %S", "-o", times.toString()));
          command.addAll(c.getValue());
        }
        long start = System.nanoTime();
        run(command, env, false);
        samples.get(c.getKey())[i] = (System.nanoTime() - start) / 1e6;
        if (timed) {
          String[] us = Files.readString(times).trim().split("\\s+");
          cpu.get(c.getKey())[i] = (Double.parseDouble(us[0]) + Double.parseDouble(us[1])) * 1000;
        }
      }
    }
    Files.deleteIfExists(times);
    List<Figure> out = new ArrayList<>(List.of(
        new Figure("S1", "leasehold credential-process, cached lease (wall)", median(samples.get("credential-process")),
            samples.get("credential-process")),
        new Figure("S2", "leasehold --help (wall)", median(samples.get("help")), samples.get("help")),
        new Figure("S0", "aws --version (wall)", median(samples.get("aws")), samples.get("aws"))));
    if (timed) {
      out.add(new Figure("S1-cpu", "leasehold credential-process, cached lease (CPU: user + system)",
          median(cpu.get("credential-process")), cpu.get("credential-process")));
      out.add(new Figure("S2-cpu", "leasehold --help (CPU)", median(cpu.get("help")), cpu.get("help")));
      out.add(new Figure("S0-cpu", "aws --version (CPU)", median(cpu.get("aws")), cpu.get("aws")));
    }
    return out;
  }

  private static final String TIME = "/usr/bin/time";

  /** A lease in credential-process's cache, under the name the command derives from the task (see LeaseCache). */
  private static void writeCachedLease(Path home, Path catalog, String profile, String role, String reason,
      String intent) throws IOException {
    List<String> parts = Arrays.asList("v1", catalog.toAbsolutePath().normalize().toString(), "null", profile, "null",
        "null", role, reason, intent, "", "null");
    String name;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      name = HexFormat.of().formatHex(sha.digest()).substring(0, 40) + ".json";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Path folder = home.resolve(".cache/leasehold/leases");
    Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path file = Files.createFile(folder.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, "{\"Version\":1,\"AccessKeyId\":\"ASIABENCHMARKCACHED1\",\"SecretAccessKey\":\"benchmark"
        + "SecretNotARealKey\",\"SessionToken\":\"benchmark-token\",\"Expiration\":\""
        + Instant.now().plusSeconds(3600) + "\"}", StandardCharsets.UTF_8);
  }

  private static String run(List<String> command, Map<String, String> env, boolean capture)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    if (env != null) {
      pb.environment().putAll(env);
      pb.environment().remove("XDG_CACHE_HOME");
      pb.environment().remove("AWS_PROFILE");
      pb.environment().remove("LEASEHOLD_BROKER");
    }
    if (!capture) {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    Process p = pb.start();
    String out = capture ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("exit " + p.exitValue() + ": " + command + "\n" + out);
    }
    return out;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static String samples(double[] values) {
    List<String> out = new ArrayList<>();
    for (double v : values) {
      out.add(String.format(Locale.ROOT, "%.1f", v));
    }
    return String.join(", ", out);
  }
}
