package dev.leasehold.fleet.postgres.internal;

import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * A one-time key pair for handing a secret (a lease's credentials, an MFA code) from one broker to another
 * through the database without the database ever holding it in clear: HPKE (RFC 9180, base mode,
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM) from Bouncy Castle.
 *
 * <p>The recipient creates a key, publishes {@link #publicKey()} in its row, and keeps the private half in
 * memory only, for one use; the sender {@link #seal seals} to the published key, binding the ciphertext to a
 * context (purpose and request id, as HPKE {@code info}) so that a sealed value cannot be replayed into another
 * request or purpose. {@code toString()} shows no key material.
 */
public final class OneTimeKey {
  private static final int ENC_LENGTH = 32;

  private final AsymmetricCipherKeyPair pair;
  private final byte[] publicKey;

  private OneTimeKey(AsymmetricCipherKeyPair pair) {
    this.pair = pair;
    this.publicKey = hpke().serializePublicKey(pair.getPublic());
  }

  private static HPKE hpke() {
    return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
  }

  /** A fresh key pair. */
  public static OneTimeKey generate() {
    return new OneTimeKey(hpke().generatePrivateKey());
  }

  /** The public half, 32 bytes, to publish. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * Encrypts {@code plaintext} to {@code recipientPublicKey}.
   *
   * @param context what the value is for (e.g. {@code "lease:" + requestId}); the recipient must give the same
   * @return the encapsulated key followed by the ciphertext
   * @throws IllegalArgumentException when the public key is malformed
   */
  public static byte[] seal(byte[] recipientPublicKey, String context, byte[] plaintext) {
    Objects.requireNonNull(recipientPublicKey, "recipientPublicKey == null");
    HPKE hpke = hpke();
    try {
      byte[][] sealed = hpke.seal(hpke.deserializePublicKey(recipientPublicKey), info(context), new byte[0], plaintext,
          null, null, null);
      byte[] ct = sealed[0];
      byte[] enc = sealed[1];
      byte[] out = Arrays.copyOf(enc, enc.length + ct.length);
      System.arraycopy(ct, 0, out, enc.length, ct.length);
      return out;
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new IllegalArgumentException("Could not seal to the published key (malformed key?)", e);
    }
  }

  /**
   * Decrypts a value sealed to this key under {@code context}.
   *
   * @throws IllegalArgumentException when the value was not sealed to this key and context, or was altered
   */
  public byte[] open(byte[] sealed, String context) {
    if (sealed == null || sealed.length <= ENC_LENGTH) {
      throw new IllegalArgumentException("The sealed value is too short");
    }
    byte[] enc = Arrays.copyOf(sealed, ENC_LENGTH);
    byte[] ct = Arrays.copyOfRange(sealed, ENC_LENGTH, sealed.length);
    try {
      return hpke().open(enc, pair, info(context), new byte[0], ct, null, null, null);
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new IllegalArgumentException("The sealed value does not open with this key and context", e);
    }
  }

  private static byte[] info(String context) {
    return ("leasehold-fleet/1 " + Objects.requireNonNull(context, "context == null"))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "OneTimeKey[X25519]";
  }
}
