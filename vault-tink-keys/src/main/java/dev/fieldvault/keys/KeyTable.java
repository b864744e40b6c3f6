package dev.fieldvault.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import dev.fieldvault.keys.internal.HeaderedAead;
import dev.fieldvault.keys.internal.PerKeyAesGcm;
import dev.fieldvault.keys.internal.TinkHeaderedAead;
import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.prf.Prf;
import com.google.crypto.tink.prf.PrfSet;
import java.security.GeneralSecurityException;

/**
 * One primitive per readable key of a keyset, looked up by key id with a linear scan (keysets hold
 * a handful of keys; a scan of an int array beats boxing a random 32-bit id for a map look-up).
 */
final class KeyTable<P> {

  final VaultKeyset keyset;
  final int primaryId;
  final P primary;
  final int[] ids;
  final Object[] primitives;

  private KeyTable(VaultKeyset keyset, int primaryId, P primary, int[] ids, Object[] primitives) {
    this.keyset = keyset;
    this.primaryId = primaryId;
    this.primary = primary;
    this.ids = ids;
    this.primitives = primitives;
  }

  static KeyTable<HeaderedAead> aead(VaultKeyset ks) {
    return build(ks, HeaderedAead.class);
  }

  static KeyTable<DeterministicAead> deterministic(VaultKeyset ks) {
    return build(ks, DeterministicAead.class);
  }

  static KeyTable<Prf> prf(VaultKeyset ks) {
    return build(ks, Prf.class);
  }

  private static <P> KeyTable<P> build(VaultKeyset ks, Class<P> type) {
    KeysetHandle handle = ks.handle();
    int n = 0;
    int[] ids = new int[handle.size()];
    Object[] prims = new Object[handle.size()];
    int primaryId = ks.primary().keyId();
    P primary = null;
    try {
      for (int i = 0; i < handle.size(); i++) {
        KeysetHandle.Entry e = handle.getAt(i);
        KeyInfo info = ks.byKeyId(e.getId()).orElseThrow();
        info.algorithm().requireAvailable();
        if (!ks.canDecrypt(info) && !e.isPrimary()) {
          continue;
        }
        KeysetHandle single = KeysetHandle.newBuilder()
            .addEntry(KeysetHandle.importKey(e.getKey()).withFixedId(e.getId()).makePrimary())
            .build();
        Object p;
        if (type == HeaderedAead.class) {
          p = headeredAead(e, single);
        } else if (type == Prf.class) {
          PrfSet set = single.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
          p = set.getPrfs().get(e.getId());
        } else {
          p = single.getPrimitive(RegistryConfiguration.get(), type);
        }
        if (e.isPrimary()) {
          primary = type.cast(p);
        }
        if (ks.canDecrypt(info)) {
          ids[n] = e.getId();
          prims[n] = p;
          n++;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new VaultConfigurationException("Keyset '" + ks.name() + "' cannot be used: " + e.getMessage(), e);
    }
    if (primary == null) {
      throw new VaultConfigurationException("Keyset '" + ks.name() + "' has no usable primary key");
    }
    return new KeyTable<>(ks, primaryId, primary, java.util.Arrays.copyOf(ids, n),
        java.util.Arrays.copyOf(prims, n));
  }

  /** AES-GCM with 12-byte nonces and 16-byte tags gets a Cipher per key per thread; anything else goes through Tink. */
  private static HeaderedAead headeredAead(KeysetHandle.Entry e, KeysetHandle single) throws GeneralSecurityException {
    if (e.getKey() instanceof AesGcmKey) {
      AesGcmKey k = (AesGcmKey) e.getKey();
      AesGcmParameters p = k.getParameters();
      if (p.getIvSizeBytes() == 12 && p.getTagSizeBytes() == 16) {
        return new PerKeyAesGcm(k.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()),
            k.getOutputPrefix().toByteArray());
      }
    }
    return new TinkHeaderedAead(single.getPrimitive(RegistryConfiguration.get(), Aead.class));
  }

  /** The primitive of a readable key, or a typed error that says why the key cannot be used. */
  @SuppressWarnings("unchecked")
  P forKeyId(int keyId) {
    int[] a = ids;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == keyId) {
        return (P) primitives[i];
      }
    }
    throw unavailable(keyId);
  }

  int readableCount() {
    return ids.length;
  }

  @SuppressWarnings("unchecked")
  P readableAt(int i) {
    return (P) primitives[i];
  }

  int readableIdAt(int i) {
    return ids[i];
  }

  private KeyUnavailableException unavailable(int keyId) {
    String id = Integer.toUnsignedString(keyId);
    KeyInfo info = keyset.byKeyId(keyId).orElse(null);
    if (info == null) {
      StringBuilder known = new StringBuilder();
      for (KeyInfo k : keyset.keys()) {
        known.append(known.length() == 0 ? "" : ", ").append(k.ordinal()).append('=').append(k.keyIdText());
      }
      return new UnknownKeyVersionException(keyId, "The value was encrypted under key id " + id
          + ", which keyset '" + keyset.name() + "' (" + keyset.purpose() + ") does not hold (its keys: "
          + known + "): load the keyset the value was written with (check the keyset source, the"
          + " tenant and the environment)");
    }
    String what = "key " + info.ordinal() + " (id " + id + ") of keyset '" + keyset.name() + "'";
    if (info.status() == KeyStatus.DESTROYED) {
      return new KeyUnavailableException("The value needs " + what + ", which was destroyed: it cannot be"
          + " decrypted any more (restore the keyset from a backup taken before the key was destroyed)");
    }
    if (info.status() == KeyStatus.DISABLED) {
      return new KeyUnavailableException("The value needs " + what + ", which is disabled: enable the"
          + " key again, then rewrap the values still under it before disabling it");
    }
    return new KeyUnavailableException("The value needs " + what + ", which is below the keyset's minimum"
        + " decryption ordinal " + keyset.minimumDecryptOrdinal() + ": values under older keys are"
        + " rejected by policy; lower the minimum and rewrap them if they must be read");
  }
}
