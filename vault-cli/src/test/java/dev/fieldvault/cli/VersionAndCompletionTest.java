package dev.fieldvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** `fieldvault --version` and `fieldvault completion`. */
class VersionAndCompletionTest extends CliTestSupport {

  @Test
  void version_isTheProjectVersionTheBuildWroteIn() throws Exception {
    // the version of this module's pom (its parent's), as Maven fills it into version.properties
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(pom);
    assertThat(m.find()).isTrue();

    assertThat(run("--version")).isZero();
    assertThat(out).startsWith("FieldVault " + m.group(1) + System.lineSeparator());
  }

  @Test
  void completion_printsABashScriptForEveryCommandAndOption() {
    assertThat(run("completion")).isZero();
    assertThat(out).startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_fieldvault", "keys", "rotate", "inventory", "secrets", "encrypt", "decrypt",
            "seed", "--jdbc-url", "--row-id", "--dialect", "--master-secret-env");
  }
}
