package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.jdbc.rotation.RotationProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The terminal bar of {@code fieldvault rotate}: counts and names only, full once, at the last row. */
class ProgressBarTest {

  private static RotationProgress event(long scanned, long tableDone, long tableRows, boolean dryRun) {
    return new RotationProgress("r1", "customer", scanned, scanned / 2, 0, 0, Map.of("email", scanned / 2), 1000.0,
        tableDone, tableRows, Duration.ofSeconds(3), dryRun);
  }

  @Test
  void dryRun_drawsScannedRows_andIsFullOnlyOnce_evenWhenTheLastCountIsReportedTwice() {
    StringWriter drawn = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(drawn), "");
    for (long n = 300; n <= 1200; n += 300) {
      bar.onProgress(event(n, n, 1200, true));
    }
    bar.onProgress(event(1200, 1200, 1200, true)); // the worker's final report of the table
    bar.end();

    String text = drawn.toString();
    assertThat(text).contains(" 300/1200 rows").contains(" 1200/1200 rows").contains("to rewrap");
    assertThat(text.split("100%", -1)).as("the bar is full once, at the end").hasSize(2);
    assertThat(text).endsWith(System.lineSeparator());
  }

  @Test
  void realRun_drawsTheRowsDoneByAllWorkers_andItsEstimate() {
    StringWriter drawn = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(drawn), "  ");
    bar.onProgress(event(100, 500, 1000, false));
    bar.end();

    assertThat(drawn.toString()).startsWith("\r  customer").contains(" 50%").contains(" 500/1000 rows")
        .contains("50 rewrapped").contains("~3 s left");
  }
}
