package dev.fieldvault.benchmarks.hibernate;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * A hand-written converter as a careful team writes it: raw Tink AES-256-GCM, ciphertext bytes in a
 * binary column (as {@code @Encrypted}'s default), a fixed associated data, no key versions or rotation.
 */
@Converter
public class HandWrittenAeadConverter implements AttributeConverter<String, byte[]> {
  @Override
  public byte[] convertToDatabaseColumn(String attribute) {
    return attribute == null ? null : RawTink.encrypt(attribute);
  }

  @Override
  public String convertToEntityAttribute(byte[] dbData) {
    return dbData == null ? null : RawTink.decrypt(dbData);
  }
}
