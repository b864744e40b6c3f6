package dev.fieldvault.benchmarks.hibernate;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * A typical hand-written converter: raw Tink AES-GCM, no context binding, Base64 text in a varchar
 * column. What a careful team writes without FieldVault.
 */
@Converter
public class HandWrittenTinkConverter implements AttributeConverter<String, String> {

  private static final Aead AEAD;

  static {
    try {
      AeadConfig.register();
      AEAD = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public String convertToDatabaseColumn(String attribute) {
    if (attribute == null) {
      return null;
    }
    try {
      return Base64.getEncoder().encodeToString(AEAD.encrypt(attribute.getBytes(StandardCharsets.UTF_8), new byte[0]));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String convertToEntityAttribute(String dbData) {
    if (dbData == null) {
      return null;
    }
    try {
      return new String(AEAD.decrypt(Base64.getDecoder().decode(dbData), new byte[0]), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
