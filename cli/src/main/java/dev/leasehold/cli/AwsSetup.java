package dev.leasehold.cli;

import dev.leasehold.catalog.RoleCatalog;
import dev.leasehold.iam.AwsSharedFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Where the AWS shared files are, named profiles, and the IAM client of the operator commands. */
final class AwsSetup {
  private AwsSetup() {}

  /**
   * The shared credentials file: {@code override}, else as the AWS CLI finds it ({@code AWS_SHARED_CREDENTIALS_FILE},
   * else {@code ~/.aws/credentials} with {@code ~} = {@code HOME}); see {@link AwsSharedFiles}.
   */
  static Path credentialsFile(Cli cli, Path override) {
    return override != null ? override : AwsSharedFiles.credentialsFile(cli.env, cli.home);
  }

  /** The shared config file: {@code AWS_CONFIG_FILE}, else {@code ~/.aws/config}; see {@link AwsSharedFiles}. */
  static Path configFile(Cli cli) {
    return AwsSharedFiles.configFile(cli.env, cli.home);
  }

  /**
   * The named profile from the config and credentials files (static keys, {@code credential_process}, or
   * {@code role_arn} with {@code source_profile}).
   *
   * @throws CliException when neither file defines the profile
   */
  static AwsCredentialsProvider profile(Cli cli, String name, Path credentialsOverride) {
    Path config = configFile(cli);
    Path credentials = credentialsFile(cli, credentialsOverride);
    ProfileFile.Aggregator files = ProfileFile.aggregator();
    if (Files.isRegularFile(config)) {
      files.addFile(ProfileFile.builder().content(config).type(ProfileFile.Type.CONFIGURATION).build());
    }
    if (Files.isRegularFile(credentials)) {
      files.addFile(ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build());
    }
    ProfileFile file = files.build();
    if (file.profile(name).isEmpty()) {
      throw new CliException("No AWS profile named '" + name + "' in " + credentials + " or " + config
          + ". Name a profile that exists (--profile).");
    }
    return ProfileCredentialsProvider.builder().profileFile(file).profileName(name).build();
  }

  /** An IAM client for an operator command: the profile (or the default chain), the global region, bounded waits. */
  static IamClient iam(Cli cli, String profile, Path credentialsOverride, String region, URI endpoint) {
    AwsCredentialsProvider credentials = profile != null
        ? profile(cli, profile, credentialsOverride)
        : DefaultCredentialsProvider.builder().build();
    var builder = IamClient.builder()
        .region(region != null ? Region.of(region) : Region.AWS_GLOBAL)
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(30)).build())
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(90)));
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  /**
   * Checks an endpoint URL option: absolute, http or https, with a host.
   *
   * @throws ParameterException (a usage error) otherwise
   */
  static URI endpoint(CommandSpec spec, URI uri, String option) {
    if (uri != null && (uri.getScheme() == null || uri.getHost() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")))) {
      throw new ParameterException(spec.commandLine(), option + " must be an http(s) URL with a host, was '" + uri + "'");
    }
    return uri;
  }

  /** Loads a catalog, with ARNs from a terraform output file when one is given. */
  static RoleCatalog catalog(Path file, Path terraformOutput) {
    return terraformOutput == null ? RoleCatalog.load(file) : RoleCatalog.load(file, terraformOutput);
  }
}
