package dev.fieldvault.keys.internal;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compression of plaintexts before encryption (docs/FORMAT.md, "Compression"):
 * {@code uint32_be(original length) || raw DEFLATE (RFC 1951)}.
 */
public final class Compression {

  /** Largest plaintext FieldVault decompresses (a guard, though compressed data is authenticated). */
  public static final int MAX_DECOMPRESSED = 64 * 1024 * 1024;

  private Compression() {}

  /** The compressed form, or null if it would not be smaller than the input. */
  public static byte[] compressIfSmaller(byte[] plaintext) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try {
      d.setInput(plaintext);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length / 2 + 16);
      byte[] len = new byte[4];
      AssociatedData.writeInt(len, 0, plaintext.length);
      out.write(len, 0, 4);
      byte[] buf = new byte[Math.min(8192, plaintext.length + 64)];
      while (!d.finished()) {
        int n = d.deflate(buf);
        out.write(buf, 0, n);
        if (out.size() >= plaintext.length) {
          return null;
        }
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  /** Inverts {@link #compressIfSmaller}; throws IllegalArgumentException on malformed input. */
  public static byte[] decompress(byte[] compressed) {
    if (compressed.length < 4) {
      throw new IllegalArgumentException("compressed payload too short");
    }
    int len = AssociatedData.readInt(compressed, 0);
    if (len < 0 || len > MAX_DECOMPRESSED) {
      throw new IllegalArgumentException("compressed payload declares " + len + " bytes");
    }
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(compressed, 4, compressed.length - 4);
      byte[] out = new byte[len];
      int off = 0;
      while (off < len) {
        int n = inf.inflate(out, off, len - off);
        if (n == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) {
          break;
        }
        off += n;
      }
      if (off != len) {
        throw new IllegalArgumentException("compressed payload is shorter than declared");
      }
      return out;
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("invalid DEFLATE data", e);
    } finally {
      inf.end();
    }
  }
}
