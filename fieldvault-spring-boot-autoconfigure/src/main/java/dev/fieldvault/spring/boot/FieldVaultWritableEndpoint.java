package dev.fieldvault.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code fieldvault} endpoint with its write operations, registered only when
 * {@code fieldvault.endpoint.write-operations=true} (and, as for every Actuator endpoint, only
 * reachable where the application exposes and secures it):
 * <ul>
 *   <li>{@code POST /actuator/fieldvault} (body {@code {"promote": false}} to only move values still
 *       under older keys): starts a rotation in the background; the answer is the job's status;
 *   <li>{@code DELETE /actuator/fieldvault/{keyset}/{ordinal}}: retires (disables) that key version,
 *       refused while any stored value still uses it.
 * </ul>
 */
@Endpoint(id = "fieldvault")
public class FieldVaultWritableEndpoint extends FieldVaultEndpoint {

  public FieldVaultWritableEndpoint(FieldVaultKeys keys, FieldVaultRotation rotation) {
    super(keys, rotation);
  }

  /** See {@link FieldVaultEndpoint#FieldVaultEndpoint(FieldVaultKeys, FieldVaultRotation, java.time.Duration)}. */
  public FieldVaultWritableEndpoint(FieldVaultKeys keys, FieldVaultRotation rotation,
      java.time.Duration inventoryMaxAge) {
    super(keys, rotation, inventoryMaxAge);
  }

  /** POST /actuator/fieldvault: starts a rotation (promoting new keys unless {@code promote} is false). */
  @WriteOperation
  public FieldVaultRotation.Status rotate(
      @org.springframework.lang.Nullable @org.jspecify.annotations.Nullable Boolean promote) {
    return rotation.start(promote == null || promote);
  }

  /** DELETE /actuator/fieldvault/{keyset}/{ordinal}: retires a fully rewrapped key version. */
  @DeleteOperation
  public Map<String, Object> retire(@Selector String keyset, @Selector int ordinal) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("keyset", keyset);
    out.put("ordinal", ordinal);
    try {
      rotation.retire(keyset, ordinal);
      out.put("retired", true);
    } catch (dev.fieldvault.keys.FieldVaultException e) {
      out.put("retired", false);
      out.put("reason", e.getMessage()); // counts and column names only
    }
    return out;
  }
}
