package dev.leasehold.fleet.postgres.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 under the fleet's hand-off key: digests of tasks and cool-downs, tags on what brokers hand over. */
public final class Macs {
  private final SecretKeySpec key;

  public Macs(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
    Arrays.fill(key, (byte) 0);
  }

  /** The tag of the parts (each length-prefixed, so no two part lists share a tag). */
  public byte[] tag(Object... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      for (Object part : parts) {
        byte[] bytes = part instanceof byte[] ? (byte[]) part
            : String.valueOf(part).getBytes(StandardCharsets.UTF_8);
        mac.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        mac.update(bytes);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The tag as hex, for digests used as keys. */
  public String digest(Object... parts) {
    return HexFormat.of().formatHex(tag(parts));
  }

  /** Whether {@code tag} is the tag of the parts (constant time). */
  public boolean verify(byte[] tag, Object... parts) {
    return tag != null && MessageDigest.isEqual(tag, tag(parts));
  }

  @Override
  public String toString() {
    return "Macs[HmacSHA256]";
  }
}
