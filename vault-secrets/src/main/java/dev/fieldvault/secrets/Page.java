package dev.fieldvault.secrets;

import java.util.List;

/**
 * One page of a listing and the cursor of the next one ({@code null} on the last page). Cursors are
 * keyset positions, so pages stay consistent while entries are added or removed.
 */
public record Page<T>(List<T> items, String nextCursor) {

  public boolean hasNext() {
    return nextCursor != null;
  }
}
