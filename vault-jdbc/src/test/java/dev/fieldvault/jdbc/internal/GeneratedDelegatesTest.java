package dev.fieldvault.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checked-in Delegating* classes are what src/build/GenerateDelegates.java writes. */
class GeneratedDelegatesTest {

  private static final String[] GENERATED = {"DelegatingConnection", "DelegatingStatement",
      "DelegatingPreparedStatement", "DelegatingCallableStatement", "DelegatingResultSet",
      "DelegatingDatabaseMetaData"};

  @Test
  void checkedInDelegates_matchTheirGenerator(@TempDir Path out) throws Exception {
    Path launcher = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(launcher.toString(), "src/build/GenerateDelegates.java", out.toString())
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the generator finished").isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    Path checkedIn = Path.of("src/main/java/dev/fieldvault/jdbc/internal");
    for (String name : GENERATED) {
      assertThat(Files.readString(out.resolve(name + ".java")))
          .as(name + ": regenerate with java src/build/GenerateDelegates.java src/main/java/dev/fieldvault/jdbc/internal")
          .isEqualTo(Files.readString(checkedIn.resolve(name + ".java")));
    }
  }
}
