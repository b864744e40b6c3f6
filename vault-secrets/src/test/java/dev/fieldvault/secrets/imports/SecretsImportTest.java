package dev.fieldvault.secrets.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.secrets.AccessPolicy;
import dev.fieldvault.secrets.Action;
import dev.fieldvault.secrets.ImportTestDatabases;
import dev.fieldvault.secrets.SecretResult;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.Status;
import dev.fieldvault.secrets.StoreOptions;
import dev.fieldvault.secrets.imports.ImportReport.Item;
import dev.fieldvault.secrets.imports.ImportReport.Outcome;
import dev.fieldvault.secrets.imports.SecretsImportException.Reason;
import dev.fieldvault.testsupport.TestDatabase;
import dev.fieldvault.testsupport.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Imports of each format, from files the test writes, into stores on H2, PostgreSQL and MariaDB. */
class SecretsImportTest {

  private static final String P = "sv_imp_";
  private static final String ALL = "dev.fieldvault.testsupport.TestDatabases#all";
  private static final String DOTENV = """
      # production settings
      export DB_PASSWORD='p4ss w0rd#1'
      API_KEY=sk_live_dotenv123   # the payment provider
      EMPTY=
      PEM="-----BEGIN KEY-----
      MIIBdotenv
      -----END KEY-----"
      ESCAPED="tab\\there \\"quoted\\""
      """;
  private static final String VAULT_DUMP = """
      {
        "app/db": {"data": {"username": "app", "password": "vault-pw-123"},
                   "metadata": {"version": 3, "created_time": "2024-05-01T10:00:00.123Z",
                                "custom_metadata": {"owner": "team-a"}, "destroyed": false}},
        "app/api": {"request_id": "r-1", "data": {"data": {"key": "vault-api-456"},
                    "metadata": {"version": 1, "created_time": "2024-05-02T10:00:00Z", "custom_metadata": null}}},
        "app/plain": {"token": "vault-plain-789", "ttl": 30},
        "app/gone": {"data": null, "metadata": {"version": 2, "deletion_time": "2024-06-01T00:00:00Z",
                     "destroyed": false}}
      }
      """;
  private static final String VAULT_GET = """
      {"request_id": "9c1f", "lease_id": "", "lease_duration": 0, "renewable": false,
       "data": {"data": {"password": "single-get-000"},
                "metadata": {"created_time": "2024-07-01T00:00:00Z", "custom_metadata": null,
                             "deletion_time": "", "destroyed": false, "version": 7}},
       "warnings": null}
      """;
  private static final byte[] BINARY = {0, 1, 2, (byte) 0xfe, (byte) 0xff};
  private static final String AWS_BATCH = """
      {"SecretValues": [
        {"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf", "Name": "prod/db",
         "VersionId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
         "SecretString": "{\\"username\\":\\"admin\\",\\"password\\":\\"aws-pw-111\\"}",
         "VersionStages": ["AWSCURRENT"], "CreatedDate": "2024-03-05T09:02:18.623000+01:00"},
        {"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/cert-XyZ", "Name": "prod/cert",
         "VersionId": "b2", "SecretBinary": "%s", "VersionStages": ["AWSCURRENT"], "CreatedDate": 1709625738.5}
      ], "Errors": []}
      """.formatted(Base64.getEncoder().encodeToString(BINARY));
  private static final String AWS_GET = """
      {"ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:MyTestSecret-a1b2c3", "Name": "MyTestSecret",
       "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1", "SecretString": "aws-single-222",
       "VersionStages": ["AWSPREVIOUS"], "CreatedDate": "2023-08-01T10:00:00-07:00"}
      """;

  @TempDir
  Path dir;

  private SecretsVault vault;

  @AfterEach
  void close() {
    if (vault != null) {
      vault.close();
    }
  }

  private SecretStore store(Kind kind, AccessPolicy policy, StoreOptions options) throws Exception {
    TestDatabase db = ImportTestDatabases.migrated(kind, P);
    vault = SecretsVault.builder(db.dataSource(), ImportTestDatabases.cipher()).tablePrefix(P).accessPolicy(policy)
        .build();
    String ns = ImportTestDatabases.unique("imp");
    vault.createStore(ns, "acme", options);
    return vault.store(ns, "acme").as("importer");
  }

  private SecretStore store(Kind kind) throws Exception {
    return store(kind, AccessPolicy.ALLOW_ALL, StoreOptions.DEFAULT);
  }

  private Path file(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void dotenv_dryRunWritesNothing_thenImportsEveryValueExactly(Kind kind) throws Exception {
    SecretStore store = store(kind);
    SecretsImport source = SecretsImport.read(ImportFormat.DOTENV, file("prod.env", DOTENV));

    ImportReport plan = source.dryRun(store);

    assertThat(plan.dryRun()).isTrue();
    assertThat(plan.items()).extracting(Item::name, Item::outcome).containsExactly(
        tuple("DB_PASSWORD", Outcome.CREATED), tuple("API_KEY", Outcome.CREATED), tuple("EMPTY", Outcome.CREATED),
        tuple("PEM", Outcome.CREATED), tuple("ESCAPED", Outcome.CREATED));
    assertThat(store.list(null, 10).items()).isEmpty();

    ImportReport done = source.into(store);

    assertThat(done.dryRun()).isFalse();
    assertThat(done.created()).isEqualTo(5);
    assertThat(done.items()).allSatisfy(i -> assertThat(i.version()).isEqualTo(1));
    assertThat(value(store, "DB_PASSWORD")).isEqualTo("p4ss w0rd#1");
    assertThat(value(store, "API_KEY")).isEqualTo("sk_live_dotenv123");
    assertThat(value(store, "EMPTY")).isEmpty();
    assertThat(value(store, "PEM")).isEqualTo("-----BEGIN KEY-----\nMIIBdotenv\n-----END KEY-----");
    assertThat(value(store, "ESCAPED")).isEqualTo("tab\there \"quoted\"");
    assertThat(store.get("API_KEY").metadata()).containsEntry("source", "dotenv");
    assertThat(done.toString()).doesNotContain("sk_live", "p4ss");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void conflicts_skipByDefault_overwriteAsNewVersions_orFailWritingNothing(Kind kind) throws Exception {
    SecretStore store = store(kind);
    store.put("API_KEY", SecretValue.ofString("existing-api-key"));
    SecretsImport source = SecretsImport.read(ImportFormat.DOTENV, file("prod.env", DOTENV));

    assertThatThrownBy(() -> source.onConflict(ConflictPolicy.FAIL).into(store))
        .isInstanceOfSatisfying(SecretsImportException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
          assertThat(e.getMessage()).contains("1 name(s)", "API_KEY", "nothing was written")
              .doesNotContain("existing-api-key", "sk_live");
        });
    assertThat(store.has("DB_PASSWORD")).isFalse();

    ImportReport skipped = source.into(store);
    assertThat(skipped.created()).isEqualTo(4);
    assertThat(skipped.items()).filteredOn(i -> i.name().equals("API_KEY")).singleElement()
        .satisfies(i -> assertThat(i.outcome()).isEqualTo(Outcome.SKIPPED))
        .satisfies(i -> assertThat(i.detail()).isEqualTo("exists (version 1)"));
    assertThat(value(store, "API_KEY")).isEqualTo("existing-api-key");

    ImportReport plan = source.onConflict(ConflictPolicy.OVERWRITE).dryRun(store);
    assertThat(plan.updated()).isEqualTo(5);
    assertThat(store.get("API_KEY").version()).isEqualTo(1);

    ImportReport overwritten = source.onConflict(ConflictPolicy.OVERWRITE).into(store);
    assertThat(overwritten.updated()).isEqualTo(5);
    assertThat(overwritten.items()).filteredOn(i -> i.name().equals("API_KEY")).singleElement()
        .satisfies(i -> assertThat(i.version()).isEqualTo(2));
    assertThat(value(store, "API_KEY")).isEqualTo("sk_live_dotenv123");
    assertThat(store.getVersion("API_KEY", 1).value().asString()).isEqualTo("existing-api-key");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void vaultKv_dumpAndSingleResponse_becomeJsonValues_withVaultMetadata_deletedSkipped(Kind kind) throws Exception {
    SecretStore store = store(kind);

    ImportReport dump = SecretsImport.read(ImportFormat.VAULT_KV, file("dump.json", VAULT_DUMP)).into(store);

    assertThat(dump.items()).extracting(Item::name, Item::outcome).containsExactly(tuple("app/db", Outcome.CREATED),
        tuple("app/api", Outcome.CREATED), tuple("app/plain", Outcome.CREATED), tuple("app/gone", Outcome.SKIPPED));
    assertThat(dump.items().get(3).detail()).isEqualTo("deleted in Vault");
    SecretResult db = store.get("app/db");
    assertThat(db.value().type()).isEqualTo(SecretValue.Type.JSON);
    assertThat(db.value().asJson()).containsEntry("username", "app").containsEntry("password", "vault-pw-123");
    assertThat(db.metadata()).containsEntry("source", "vault-kv").containsEntry("vault.version", "3")
        .containsEntry("vault.created_time", "2024-05-01T10:00:00.123Z").containsEntry("vault.custom.owner", "team-a");
    assertThat(store.get("app/api").value().asJson()).containsEntry("key", "vault-api-456");
    assertThat(store.get("app/api").metadata()).containsEntry("vault.version", "1");
    assertThat(store.get("app/plain").value().asJson()).containsEntry("token", "vault-plain-789")
        .containsEntry("ttl", 30.0);
    assertThat(store.has("app/gone")).isFalse();

    ImportReport single = SecretsImport.read(ImportFormat.VAULT_KV, file("billing-db.json", VAULT_GET)).into(store);

    assertThat(single.items()).extracting(Item::name).containsExactly("billing-db");
    assertThat(store.get("billing-db").value().asJson()).containsEntry("password", "single-get-000");
    assertThat(store.get("billing-db").metadata()).containsEntry("vault.version", "7");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aws_batchAndSingleAndArray_secretStringAndBinary_withAwsMetadata(Kind kind) throws Exception {
    SecretStore store = store(kind);

    ImportReport batch = SecretsImport.read(ImportFormat.AWS_SECRETS_MANAGER, file("batch.json", AWS_BATCH))
        .into(store);

    assertThat(batch.created()).isEqualTo(2);
    SecretResult db = store.get("prod/db");
    assertThat(db.value().type()).isEqualTo(SecretValue.Type.STRING);
    assertThat(db.value().asString()).isEqualTo("{\"username\":\"admin\",\"password\":\"aws-pw-111\"}");
    assertThat(db.metadata()).containsEntry("source", "aws-secrets-manager")
        .containsEntry("aws.versionId", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111")
        .containsEntry("aws.createdDate", "2024-03-05T08:02:18.623Z")
        .containsEntry("aws.arn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf");
    SecretResult cert = store.get("prod/cert");
    assertThat(cert.value().type()).isEqualTo(SecretValue.Type.BYTES);
    assertThat(cert.value().asBytes()).isEqualTo(BINARY);
    assertThat(cert.metadata()).containsEntry("aws.createdDate", "2024-03-05T08:02:18.500Z");

    SecretsImport.read(ImportFormat.AWS_SECRETS_MANAGER, file("one.json", AWS_GET)).into(store);
    assertThat(value(store, "MyTestSecret")).isEqualTo("aws-single-222");
    assertThat(store.get("MyTestSecret").metadata()).containsEntry("aws.createdDate", "2023-08-01T17:00:00Z");

    ImportReport array = SecretsImport.read(ImportFormat.AWS_SECRETS_MANAGER,
        file("array.json", "[" + AWS_GET.replace("MyTestSecret\"", "Second\"") + "]")).into(store);
    assertThat(array.items()).extracting(Item::name).containsExactly("Second");
    assertThat(value(store, "Second")).isEqualTo("aws-single-222");
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void malformedFiles_areRefusedBeforeAnyWrite_namingTheEntry_neverTheValue(Kind kind) throws Exception {
    SecretStore store = store(kind);
    Path badEnv = file("bad.env", "GOOD=fine-value\ns3cr3t-wrapped-value\n");
    Path badJson = file("bad.json", "{\"app/db\": {\"password\": \"s3cr3t-kv\"},\n \"x\": }");
    Path kvNotObject = file("kv-array.json", "{\"app/db\": {\"password\": \"s3cr3t-kv\"}, \"app/x\": [\"s3cr3t-kv\"]}");
    Path awsNoValue = file("aws.json", "[{\"Name\": \"a\", \"SecretString\": \"s3cr3t-aws\"}, {\"Name\": \"b\"}]");
    Path awsBadBase64 = file("aws64.json", "{\"Name\": \"c\", \"SecretBinary\": \"s3cr3t-aws!!\"}");
    Path awsErrors = file("aws-err.json", "{\"SecretValues\": [{\"Name\": \"a\", \"SecretString\": \"s3cr3t-aws\"}],"
        + " \"Errors\": [{\"SecretId\": \"prod/missing\", \"ErrorCode\": \"ResourceNotFoundException\","
        + " \"Message\": \"not found\"}]}");
    Path awsDuplicate = file("aws-dup.json", "[{\"Name\": \"a\", \"SecretString\": \"s3cr3t-aws\"},"
        + " {\"Name\": \"a\", \"SecretString\": \"s3cr3t-aws2\"}]");
    Path notUtf8 = dir.resolve("latin1.env");
    Files.write(notUtf8, new byte[] {'A', '=', (byte) 0xe9, '\n'});

    assertMalformed(ImportFormat.DOTENV, badEnv, "line 2", "expected KEY=VALUE (this line has no '='");
    assertMalformed(ImportFormat.VAULT_KV, badJson, "line 2 column 7", "not valid JSON");
    assertMalformed(ImportFormat.VAULT_KV, kvNotObject, "entry 2 ('app/x')", "not a JSON array");
    assertMalformed(ImportFormat.AWS_SECRETS_MANAGER, awsNoValue, "entry 2 ('b')", "neither SecretString");
    assertMalformed(ImportFormat.AWS_SECRETS_MANAGER, awsBadBase64, "entry 1 ('c')", "not valid base64");
    assertMalformed(ImportFormat.AWS_SECRETS_MANAGER, awsErrors, "Errors", "prod/missing");
    assertMalformed(ImportFormat.AWS_SECRETS_MANAGER, awsDuplicate, "entry 2 ('a')", "already given by entry 1");
    assertMalformed(ImportFormat.DOTENV, notUtf8, null, "not UTF-8");
    assertMalformed(ImportFormat.DOTENV, dir.resolve("missing.env"), null, "cannot read");
    assertThat(store.list(null, 10).items()).isEmpty();

    // a name the vault refuses: found when the store is checked, before any write
    SecretsImport badName = SecretsImport.parse(ImportFormat.AWS_SECRETS_MANAGER,
        "[{\"Name\": \"ok\", \"SecretString\": \"s3cr3t-aws\"}, {\"Name\": \"" + "n".repeat(300)
            + "\", \"SecretString\": \"s3cr3t-aws\"}]", "x");
    assertThatThrownBy(() -> badName.into(store)).isInstanceOfSatisfying(SecretsImportException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
      assertThat(e.location()).startsWith("entry 2");
      assertThat(e.getMessage()).contains("not a valid secret name").doesNotContain("s3cr3t");
    });
    assertThat(store.has("ok")).isFalse();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aWriteRefusedMidway_undoesTheImportsEarlierWrites_andLeavesPreviousValuesIntact(Kind kind) throws Exception {
    AtomicInteger writes = new AtomicInteger();
    AccessPolicy thirdWriteRefused = r -> r.action() != Action.WRITE || writes.incrementAndGet() != 3;
    SecretStore store = store(kind, thirdWriteRefused, StoreOptions.DEFAULT);
    store.put("API_KEY", SecretValue.ofString("existing-api-key"));   // write 1
    SecretsImport source = SecretsImport.read(ImportFormat.DOTENV, file("prod.env", DOTENV))
        .onConflict(ConflictPolicy.OVERWRITE);

    // write 2: DB_PASSWORD created; write 3: API_KEY refused
    assertThatThrownBy(() -> source.into(store)).isInstanceOfSatisfying(SecretsImportException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.ABORTED);
      assertThat(e.location()).isEqualTo("line 3");
      assertThat(e.getMessage()).contains("writing 'API_KEY' failed", "ACCESS_DENIED", "were undone")
          .doesNotContain("sk_live", "p4ss", "existing-api-key");
      assertThat(e.report().items()).extracting(Item::name, Item::outcome)
          .containsExactly(tuple("DB_PASSWORD", Outcome.UNDONE));
    });
    assertThat(store.has("DB_PASSWORD")).isFalse();
    assertThat(store.has("EMPTY")).isFalse();
    assertThat(value(store, "API_KEY")).isEqualTo("existing-api-key");
    assertThat(store.get("API_KEY").version()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aPrincipalWithoutRead_isRefusedAtTheCheck_asSecretsImportExceptionAborted_nothingWritten(Kind kind)
      throws Exception {
    AccessPolicy writeOnly = r -> r.action() != Action.READ || !r.principal().equals("importer");
    SecretStore store = store(kind, writeOnly, StoreOptions.DEFAULT);
    SecretsImport source = SecretsImport.read(ImportFormat.DOTENV, file("prod.env", DOTENV));

    for (boolean dryRun : new boolean[] {true, false}) {
      assertThatThrownBy(() -> {
        if (dryRun) {
          source.dryRun(store);
        } else {
          source.into(store);
        }
      }).as("dry run " + dryRun).isInstanceOfSatisfying(SecretsImportException.class, e -> {
        assertThat(e.reason()).isEqualTo(Reason.ABORTED);
        assertThat(e.location()).isEqualTo("line 2");
        assertThat(e.getMessage()).contains("checking 'DB_PASSWORD' against the store failed before any write",
            "SecretsAccessDeniedException", "nothing was written", "needs READ as well as WRITE")
            .doesNotContain("p4ss", "sk_live");
        assertThat(e.getCause()).isInstanceOf(dev.fieldvault.secrets.SecretsAccessDeniedException.class);
        assertThat(e.report().items()).isEmpty();
      });
    }
    assertThat(store.as("auditor").list(null, 10).items()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void aConcurrentWriteBetweenCheckAndWrite_abortsTheImport_keepsTheirValue_andRollsBackOurs(Kind kind)
      throws Exception {
    AtomicInteger writes = new AtomicInteger();
    AtomicReference<SecretStore> other = new AtomicReference<>();
    AccessPolicy racer = r -> {
      if (r.action() == Action.WRITE && r.principal().equals("importer") && writes.incrementAndGet() == 2) {
        other.get().put("API_KEY", SecretValue.ofString("concurrent-value"));
      }
      return true;
    };
    SecretStore store = store(kind, racer, StoreOptions.DEFAULT);
    other.set(vault.store(store.namespace(), "acme").as("someone-else"));
    store.as("setup").put("DB_PASSWORD", SecretValue.ofString("old-db-password"));
    SecretsImport source = SecretsImport.read(ImportFormat.DOTENV, file("prod.env", DOTENV))
        .onConflict(ConflictPolicy.OVERWRITE);

    // the importer's write 1: DB_PASSWORD overwritten (v2); write 2: API_KEY, which someone else creates first
    assertThatThrownBy(() -> source.into(store)).isInstanceOfSatisfying(SecretsImportException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.ABORTED);
      assertThat(e.getMessage()).contains("writing 'API_KEY' failed", "written concurrently");
      assertThat(e.report().items()).singleElement().satisfies(i -> {
        assertThat(i.name()).isEqualTo("DB_PASSWORD");
        assertThat(i.outcome()).isEqualTo(Outcome.UNDONE);
        assertThat(i.detail()).isEqualTo("rolled back to version 1");
      });
    });
    assertThat(value(store, "DB_PASSWORD")).isEqualTo("old-db-password");
    assertThat(value(store, "API_KEY")).isEqualTo("concurrent-value");
    assertThat(store.has("PEM")).isFalse();
  }

  @ParameterizedTest
  @MethodSource(ALL)
  void sealedStore_importsValuesUnderTheCallersSecret_withoutMetadata(Kind kind) throws Exception {
    SecretStore sealed = store(kind, AccessPolicy.ALLOW_ALL, StoreOptions.sealedStore())
        .withSecret("caller-secret-of-enough-length");

    ImportReport r = SecretsImport.read(ImportFormat.AWS_SECRETS_MANAGER, file("one.json", AWS_GET)).into(sealed);

    assertThat(r.created()).isEqualTo(1);
    assertThat(sealed.get("MyTestSecret").value().asString()).isEqualTo("aws-single-222");
    assertThat(sealed.get("MyTestSecret").metadata()).isNullOrEmpty();
    assertThat(sealed.withSecret("another-secret-of-enough-length").get("MyTestSecret").status())
        .isEqualTo(Status.NOT_FOUND);
  }

  private static void assertMalformed(ImportFormat format, Path file, String location, String message) {
    assertThatThrownBy(() -> SecretsImport.read(format, file))
        .isInstanceOfSatisfying(SecretsImportException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
          assertThat(e.location()).isEqualTo(location);
          assertThat(e.getMessage()).contains(message).doesNotContain("s3cr3t");
          assertThat(e.getCause()).isNull();
        });
  }

  private static String value(SecretStore store, String name) {
    SecretResult r = store.get(name);
    assertThat(r.status()).as(name).isEqualTo(Status.OK);
    return r.value().asString();
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
