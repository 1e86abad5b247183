package dev.leasehold.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Loading an audit key: only from a file no one else may read, only long enough, never echoed. */
class AuditKeyTest {
  @TempDir Path dir;

  @Test
  void aKeyFileOnlyItsOwnerCanReadLoads() throws IOException {
    Path file = KeyedAuditTest.writeKeyFile(dir.resolve("audit.key"), KeyedAuditTest.KEY_BYTES);

    assertThat(AuditKey.fromFile(file)).isEqualTo(KeyedAuditTest.KEY);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    assertThat(AuditKey.fromFile(file).id()).isEqualTo(KeyedAuditTest.KEY.id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rw-----w-"})
  void aKeyFileOpenToGroupOrOthersIsRefused(String mode) throws IOException {
    Path file = KeyedAuditTest.writeKeyFile(dir.resolve("audit.key"), KeyedAuditTest.KEY_BYTES);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));

    assertThatThrownBy(() -> AuditKey.fromFile(file)).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("open to group or others (" + mode + ")").hasMessageContaining("chmod 600 " + file);
  }

  @Test
  void aShortKeyIsRefused() throws IOException {
    Path file = KeyedAuditTest.writeKeyFile(dir.resolve("audit.key"), new byte[16]);

    assertThatThrownBy(() -> AuditKey.fromFile(file)).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("16 bytes").hasMessageContaining("at least 32");
    assertThatThrownBy(() -> AuditKey.of(new byte[31])).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("at least 32 bytes");
  }

  @Test
  void aKeyFileThatIsNotBase64IsRefusedWithoutQuotingIt() throws IOException {
    Path file = dir.resolve("audit.key");
    String secret = "a-passphrase-not-base64-of-48-characters-exactly";
    Files.writeString(file, secret, StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> AuditKey.fromFile(file)).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("does not hold a base64 key").hasNoCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret).doesNotContain("'-'").doesNotContain("2d"));
  }

  @Test
  void aBase64KeyWrappedOverLinesLoads() throws IOException {
    Path file = dir.resolve("audit.key");
    String base64 = Base64.getEncoder().encodeToString(KeyedAuditTest.KEY_BYTES);
    Files.writeString(file, base64.substring(0, 20) + "\n" + base64.substring(20) + "\n", StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertThat(AuditKey.fromFile(file)).isEqualTo(KeyedAuditTest.KEY);
  }

  @Test
  void aMissingKeyFileSaysHowToMakeOne() {
    Path file = dir.resolve("none.key");

    assertThatThrownBy(() -> AuditKey.fromFile(file)).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("No audit key file at " + file).hasMessageContaining("openssl rand -base64 32");
  }

  @Test
  void theCallersArrayIsCopied() {
    byte[] bytes = KeyedAuditTest.KEY_BYTES.clone();
    AuditKey key = AuditKey.of(bytes);
    java.util.Arrays.fill(bytes, (byte) 0);

    assertThat(key).isEqualTo(KeyedAuditTest.KEY).hasSameHashCodeAs(KeyedAuditTest.KEY);
    assertThat(key).isNotEqualTo(AuditKey.of(KeyedAuditTest.OTHER_KEY_BYTES));
  }

  @Test
  void theIdIsAShortFingerprintThatDiffersPerKey() {
    assertThat(KeyedAuditTest.KEY.id()).matches("[0-9a-f]{16}")
        .isNotEqualTo(AuditKey.of(KeyedAuditTest.OTHER_KEY_BYTES).id())
        .isNotEqualTo(Base64.getEncoder().encodeToString(KeyedAuditTest.KEY_BYTES).substring(0, 16));
  }
}
