package dev.fieldvault.sample.entity;

import dev.fieldvault.keys.FieldCipher;
import dev.fieldvault.keys.FieldEncryptor;
import dev.fieldvault.keys.FieldSpec;
import dev.fieldvault.keys.Normalizers;
import java.util.List;

/**
 * The blind index of {@link Customer#phone()}: an HMAC of the normalised number under the PRF key,
 * in the companion column {@code phone_bi}. {@code @Encrypted} has no blind-index option yet, so the
 * application keeps it; its spec has the same context as the attribute ({@code Customer.phone}), which
 * is what lets the rewrapper rebuild it during a rotation.
 */
public final class CustomerIndexes {

  /** The phone field as the rewrapper and the blind index see it. */
  public static final FieldSpec<String> PHONE = FieldSpec.builder("Customer", "phone", String.class)
      .blindIndex(16, number -> Normalizers.caseInsensitive().apply(number.replaceAll("[\\s()\\-]", ""))).build();

  private final FieldEncryptor<String> phone;

  public CustomerIndexes(FieldCipher cipher) {
    this.phone = cipher.field(PHONE);
  }

  /** Sets the customer's blind index from its phone number (call before persisting or after a change). */
  public void index(Customer c) {
    c.phoneIndex(c.phone() == null ? null : phone.blindIndex(c.phone(), null));
  }

  /** The blind indexes to look a phone number up with (one per readable PRF key, primary first);
   * spaces, dashes and brackets do not matter. */
  public List<byte[]> phoneIndexesForSearch(String number) {
    return phone.blindIndexesForSearch(number, null);
  }
}
