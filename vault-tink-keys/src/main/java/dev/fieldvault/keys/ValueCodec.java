package dev.fieldvault.keys;

/**
 * Turns a Java value into the bytes that are encrypted, and back. The encodings of the built-in
 * codecs ({@link ValueCodecs}) are part of the stored format (docs/FORMAT.md): they never change.
 *
 * @param <T> the Java type
 */
public interface ValueCodec<T> {

  /** The Java type this codec handles. */
  Class<T> type();

  /** The bytes of a non-null value. */
  byte[] encode(T value);

  /**
   * The value of bytes written by {@link #encode}.
   *
   * @throws ValueCodecException if the bytes cannot be a value of this type
   */
  T decode(byte[] bytes);
}
