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

  @Test
  void callableDelegate_extendsThePreparedOne_andRepeatsNoneOfItsMethods() throws Exception {
    assertThat(DelegatingPreparedStatement.class).isAssignableFrom(DelegatingCallableStatement.class);
    for (java.lang.reflect.Method m : DelegatingCallableStatement.class.getDeclaredMethods()) {
      if (!java.lang.reflect.Modifier.isPublic(m.getModifiers())) {
        continue;
      }
      assertThat(hasMethod(java.sql.PreparedStatement.class, m))
          .as(m + " repeats a PreparedStatement method").isFalse();
      assertThat(hasMethod(java.sql.CallableStatement.class, m)).as(m + " is a CallableStatement method").isTrue();
    }
  }

  private static boolean hasMethod(Class<?> type, java.lang.reflect.Method m) {
    try {
      type.getMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
