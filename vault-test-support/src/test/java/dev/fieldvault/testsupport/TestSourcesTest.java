package dev.fieldvault.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards the rule of {@link TestDatabases}: a test fetches its database before an exception
 * assertion, never inside one, where the skip of an unavailable database would be caught as the
 * expected exception or reported as a failure (a fresh machine's {@code mvn verify} then fails).
 */
class TestSourcesTest {

  private static final Pattern ASSERTION = Pattern.compile(
      "\\b(assertThatThrownBy|assertThrows|assertThatCode|catchThrowable|isThrownBy|assertDoesNotThrow)\\s*\\(");

  @Test
  void noTestFetchesItsDatabaseInsideAnExceptionAssertion() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> offenders = new ArrayList<>();
    int files = 0;
    try (Stream<Path> all = Files.walk(root)) {
      for (Path f : all.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/test/java/")
          && !p.toString().contains("/target/") && !p.endsWith("TestSourcesTest.java")).toList()) {
        files++;
        offenders.addAll(offenders(root.relativize(f).toString(), Files.readString(f)));
      }
    }
    assertThat(files).as("test sources found under " + root).isGreaterThan(10);
    assertThat(offenders).as("fetch the database before the assertion").isEmpty();
  }

  @Test
  void theGuard_findsADatabaseFetchedInsideAMultiLineAssertion() {
    String source = "class T {\n  void t() {\n    assertThatThrownBy(() -> build(\n"
        + "        TestDatabases.get(kind), keys)).isInstanceOf(X.class);\n  }\n}\n";

    assertThat(offenders("T.java", source)).containsExactly("T.java:3");
    assertThat(offenders("T.java", source.replace("TestDatabases.get(kind)", "db"))).isEmpty();
  }

  static List<String> offenders(String name, String source) {
    List<String> out = new ArrayList<>();
    Matcher m = ASSERTION.matcher(source);
    while (m.find()) {
      int depth = 1;
      int i = m.end();
      while (i < source.length() && depth > 0) {
        char ch = source.charAt(i++);
        depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
      }
      if (source.substring(m.end(), i).contains("TestDatabases.")) {
        out.add(name + ":" + (source.substring(0, m.start()).split("\n", -1).length));
      }
    }
    return out;
  }
}
