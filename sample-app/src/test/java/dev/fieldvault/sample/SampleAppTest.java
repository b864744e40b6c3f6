package dev.fieldvault.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleAppTest {

  @TempDir
  Path home;

  @Test
  void firstRun_generatesKeys_andShowsEncryptDecryptAndBinding() throws Exception {
    String out = run();
    assertThat(out).contains("Generated keyset demo-aead", "Generated keyset demo-daead", "Generated keyset demo-prf");
    assertThat(out).contains("WARNING: FIELDVAULT_MASTER_SECRET is not set");
    assertThat(out).contains("name     = Ada Lovelace", "email    = ada@example.com", "birthday = 1815-12-10");
    assertThat(out).contains("email encrypted again is equal:   true", "name encrypted again is equal:    false");
    assertThat(out).contains("copied to row 1002 -> DecryptionFailedException");
    assertThat(out).contains("one bit flipped     -> DecryptionFailedException");
    assertThat(out).doesNotContain("UNEXPECTED");
    // the keyset files hold no plaintext key material marker and are FieldVault documents
    assertThat(Files.readString(home.resolve("demo-aead.json"))).contains("fieldvault-keyset/1", "encryptedKeyset");
    // stored forms are base64 and the plaintext never appears in them
    String stored = out.lines().filter(l -> l.contains("name (randomized)")).findFirst().orElseThrow();
    assertThat(stored).doesNotContain("Ada");
  }

  @Test
  void secondRun_reusesTheKeys_andDecryptsTheSameWay() throws Exception {
    run();
    String second = run();
    assertThat(second).doesNotContain("Generated keyset");
    assertThat(second).contains("name     = Ada Lovelace");
  }

  private String run() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    new SampleApp(new PrintStream(buf, true, StandardCharsets.UTF_8), home).run();
    return buf.toString(StandardCharsets.UTF_8);
  }
}
