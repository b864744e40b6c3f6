package dev.fieldvault.keys.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The canonical, length-prefixed encoding of a context (docs/FORMAT.md, "Associated data"):
 *
 * <pre>
 *   context = lp(domain) || lp(field) || opt(tenant) || opt(rowId)
 *   lp(s)   = uint32_be(len(utf8(s))) || utf8(s)
 *   opt(s)  = 0x00                  when absent
 *           | 0x01 || lp(s)         when present
 *   ad      = header_byte || context
 * </pre>
 */
public final class AssociatedData {

  /** Leading byte of a blind-index PRF input; never a valid ciphertext header. */
  public static final byte BLIND_INDEX_DOMAIN = (byte) 0xB1;

  private AssociatedData() {}

  public static byte[] encodeContext(String domain, String field, String tenant, String rowId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + domain.length() + field.length());
    lp(out, domain);
    lp(out, field);
    opt(out, tenant);
    opt(out, rowId);
    return out.toByteArray();
  }

  /** {@code lp(part1) || lp(part2) || ...}: unambiguous, never plain concatenation. */
  public static byte[] lengthPrefixed(String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String p : parts) {
      lp(out, p);
    }
    return out.toByteArray();
  }

  public static byte[] withHeader(byte header, byte[] context) {
    byte[] ad = new byte[context.length + 1];
    ad[0] = header;
    System.arraycopy(context, 0, ad, 1, context.length);
    return ad;
  }

  /** The PRF input of a blind index: 0xB1 || context || lp(normalized value bytes). */
  public static byte[] blindIndexInput(byte[] context, byte[] normalized) {
    byte[] in = new byte[1 + context.length + 4 + normalized.length];
    in[0] = BLIND_INDEX_DOMAIN;
    System.arraycopy(context, 0, in, 1, context.length);
    int p = 1 + context.length;
    writeInt(in, p, normalized.length);
    System.arraycopy(normalized, 0, in, p + 4, normalized.length);
    return in;
  }

  public static void writeInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  public static int readInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }

  private static void lp(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >>> 24);
    out.write(b.length >>> 16);
    out.write(b.length >>> 8);
    out.write(b.length);
    out.write(b, 0, b.length);
  }

  private static void opt(ByteArrayOutputStream out, String s) {
    if (s == null) {
      out.write(0);
    } else {
      out.write(1);
      lp(out, s);
    }
  }
}
