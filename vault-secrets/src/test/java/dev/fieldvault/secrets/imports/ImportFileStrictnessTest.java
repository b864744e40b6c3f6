package dev.fieldvault.secrets.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.secrets.imports.SecretsImportException.Reason;
import org.junit.jupiter.api.Test;

/**
 * What the JSON importers refuse while parsing (no database: nothing reaches one): AWS {@code SecretBinary} that
 * is not strict standard base64, {@code CreatedDate} outside 1970..9999, a key given twice in a Vault KV (or AWS)
 * file, source metadata that is not valid Unicode text. Every refusal names the entry or the line and column,
 * never the value.
 */
class ImportFileStrictnessTest {

  private static SecretsImport aws(String json) {
    return SecretsImport.parse(ImportFormat.AWS_SECRETS_MANAGER, json, "x");
  }

  private static String binary(String base64) {
    return "{\"Name\": \"cert\", \"SecretBinary\": \"" + base64 + "\"}";
  }

  private static String created(String date) {
    return "{\"Name\": \"db\", \"SecretString\": \"s3cr3t\", \"CreatedDate\": " + date + "}";
  }

  @Test
  void awsSecretBinary_mustBeStrictStandardBase64() {
    assertThat(aws(binary("YWJj")).names()).containsExactly("cert");
    assertThat(aws(binary("YWI=")).names()).containsExactly("cert");
    assertThat(aws(binary("")).names()).containsExactly("cert");   // an empty binary secret
    // foreign characters, the URL-safe alphabet, missing or extra padding, line breaks, stray bits
    for (String bad : new String[] {"YWJj!!", "YW-_", "YWI", "YWJj====", "YWJj\\nYWJj", "YR==", "YWJ=", " YWJj",
        "czNjcjN0!!"}) {
      assertRefused(binary(bad), "entry 1 ('cert')", "SecretBinary is not valid base64", bad);
    }
  }

  @Test
  void awsCreatedDate_numbersAndTexts_mustLieIn1970To9999() {
    assertThat(aws(created("0")).names()).containsExactly("db");
    assertThat(aws(created("253402300799")).names()).containsExactly("db");
    assertThat(aws(created("1709625738.5")).names()).containsExactly("db");
    for (String bad : new String[] {"1e308", "99999999999999999999", "-1e15", "-1", "253402300800",
        "\"+10000-01-01T00:00:00Z\"", "\"1969-12-31T23:59:59Z\"", "\"yesterday\"", "true"}) {
      assertRefused(created(bad), "entry 1 ('db')", "CreatedDate must be an ISO-8601 date-time", "s3cr3t");
    }
  }

  @Test
  void aKeyGivenTwice_isRefused_withItsLineAndColumn_inVaultKvAndAwsFiles() {
    String data = "{\"data\": {\"data\": {\"password\": \"s3cr3t-1\",\n \"password\": \"s3cr3t-2\"},"
        + " \"metadata\": {\"version\": 3}}}";
    assertRefusedKv(data, "line 2 column 12");   // just after the second key
    assertRefusedKv("{\"prod/db\": {\"password\": \"s3cr3t-1\"},\n\"prod/db\": {\"password\": \"s3cr3t-2\"}}",
        "line 2 column 10");
    assertRefusedKv("{\"app\": {\"nested\": {\"a\": \"s3cr3t-1\", \"a\": \"s3cr3t-2\"}}}", "line 1 column 41");
    assertRefused("{\"Name\": \"db\", \"SecretString\": \"s3cr3t-1\", \"SecretString\": \"s3cr3t-2\"}",
        "line 1 column 58", "same key twice", "s3cr3t");
    // equal keys in different objects are fine
    assertThat(SecretsImport.parse(ImportFormat.VAULT_KV, "{\"a\": {\"k\": \"1\"}, \"b\": {\"k\": \"2\"}}", "x").names())
        .containsExactly("a", "b");
  }

  @Test
  void sourceMetadata_withAnUnpairedSurrogate_isRefusedWhileParsing() {
    String kv = "{\"data\": {\"data\": {\"k\": \"s3cr3t\"}, \"metadata\": {\"version\": 1,"
        + " \"custom_metadata\": {\"owner\": \"team-\\uD800\"}}}}";
    assertThatThrownBy(() -> SecretsImport.parse(ImportFormat.VAULT_KV, kv, "app"))
        .isInstanceOfSatisfying(SecretsImportException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
          assertThat(e.location()).isEqualTo("the response");
          assertThat(e.getMessage()).contains("vault.custom.owner", "unpaired UTF-16 surrogate at index 5")
              .doesNotContain("team-", "s3cr3t");
        });
    String paired = kv.replace("\\uD800", "\\uD83D\\uDE00");
    assertThat(SecretsImport.parse(ImportFormat.VAULT_KV, paired, "app").names()).containsExactly("app");
  }

  private static void assertRefusedKv(String json, String location) {
    assertThatThrownBy(() -> SecretsImport.parse(ImportFormat.VAULT_KV, json, "x"))
        .isInstanceOfSatisfying(SecretsImportException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
          assertThat(e.location()).isEqualTo(location);
          assertThat(e.getMessage()).contains("same key twice").doesNotContain("s3cr3t", "password", "prod/db");
        });
  }

  private static void assertRefused(String json, String location, String message, String notShown) {
    assertThatThrownBy(() -> aws(json)).isInstanceOfSatisfying(SecretsImportException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
      assertThat(e.location()).isEqualTo(location);
      assertThat(e.getMessage()).contains(message).doesNotContain(notShown);
      assertThat(e.getCause()).isNull();
    });
  }
}
