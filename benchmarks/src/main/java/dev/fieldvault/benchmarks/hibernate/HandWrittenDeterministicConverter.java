package dev.fieldvault.benchmarks.hibernate;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * The hand-written converter of the searchable field: raw Tink AES-256-SIV (the mode
 * {@code @Encrypted(mode = DETERMINISTIC)} uses), ciphertext bytes in a binary column.
 */
@Converter
public class HandWrittenDeterministicConverter implements AttributeConverter<String, byte[]> {
  @Override
  public byte[] convertToDatabaseColumn(String attribute) {
    return attribute == null ? null : RawTink.encryptDeterministically(attribute);
  }

  @Override
  public String convertToEntityAttribute(byte[] dbData) {
    return dbData == null ? null : RawTink.decryptDeterministically(dbData);
  }
}
