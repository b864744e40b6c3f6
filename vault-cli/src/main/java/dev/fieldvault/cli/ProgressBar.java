package dev.fieldvault.cli;

import dev.fieldvault.jdbc.rotation.RotationListener;
import dev.fieldvault.jdbc.rotation.RotationProgress;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A {@link RotationListener} that draws one live line per table on a terminal:
 * {@code customer [#####-----]  50%  500/1000 rows, 480 rewrapped, 0 conflicts, 2100 rows/s, ~3 s left}.
 * It prints counts and names only, never values. Call {@link #end()} after the run to close an open line.
 * The CLI's own (a terminal concern, not the library's): applications pass their own {@link RotationListener}.
 */
final class ProgressBar implements RotationListener {

  private static final int WIDTH = 30;
  private final PrintWriter out;
  private final String indent;
  private final Set<String> finished = new HashSet<>();
  private boolean lineOpen;

  /** A bar on {@code out}, each line starting with {@code indent}. */
  ProgressBar(PrintWriter out, String indent) {
    this.out = out;
    this.indent = indent;
  }

  @Override
  public synchronized void onProgress(RotationProgress p) {
    if (finished.contains(p.table())) {
      return;
    }
    long total = Math.max(p.tableRows(), 0);
    long done = total == 0 || p.dryRun() ? p.rowsScanned() : Math.min(p.tableRowsDone(), total);
    int pct = total <= 0 ? 100 : (int) (Math.min(done, total) * 100 / total);
    int filled = pct * WIDTH / 100;
    out.printf(Locale.ROOT, "\r%s%-24s [%s%s] %3d%%  %d/%s rows, %d %s%s, %d conflicts, %.0f rows/s%s", indent,
        p.table(), "#".repeat(filled), "-".repeat(WIDTH - filled), pct, done, total <= 0 ? "?" : String.valueOf(total),
        p.rowsRewrapped(), p.dryRun() ? "to rewrap" : "rewrapped",
        p.plaintextEncrypted() == 0 ? "" : " (" + p.plaintextEncrypted() + " plaintext values "
            + (p.dryRun() ? "to encrypt)" : "encrypted)"),
        p.rowsConflicted(), p.rowsPerSecond(),
        p.estimatedRemaining() == null ? "" : ", ~" + p.estimatedRemaining().toSeconds() + " s left");
    lineOpen = true;
    if (total > 0 && done >= total) {
      finished.add(p.table());
      end();
    }
    out.flush();
  }

  /** Ends the current line, if a bar is still open on it. */
  synchronized void end() {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
  }
}
