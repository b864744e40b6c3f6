package dev.fieldvault.sample;

import dev.fieldvault.jdbc.rotation.RotationListener;
import dev.fieldvault.jdbc.rotation.RotationProgress;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Draws a rotation's progress as one live line per table: {@code [#####-----]  50%  500/1000 rows}. */
final class ProgressBar implements RotationListener {

  private static final int WIDTH = 30;
  private final PrintStream out;
  private final Set<String> finished = new HashSet<>();
  private boolean lineOpen;

  ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void onProgress(RotationProgress p) {
    if (finished.contains(p.table())) {
      return;
    }
    long total = Math.max(p.tableRows(), 0);
    long done = total == 0 ? p.rowsScanned() : Math.min(p.tableRowsDone(), total);
    int pct = total == 0 ? 100 : (int) (done * 100 / total);
    int filled = pct * WIDTH / 100;
    out.printf(Locale.ROOT, "\r   %-20s [%s%s] %3d%%  %d/%d rows, %d rewrapped, %.0f rows/s", p.table(),
        "#".repeat(filled), "-".repeat(WIDTH - filled), pct, done, total, p.rowsRewrapped(), p.rowsPerSecond());
    lineOpen = true;
    if (total == 0 || done >= total) {
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
