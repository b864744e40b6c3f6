package dev.fieldvault.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.hibernate.entities.Address;
import dev.fieldvault.hibernate.entities.Customer;
import dev.fieldvault.keys.EncryptionMode;
import dev.fieldvault.keys.KeyPurpose;
import dev.fieldvault.keys.Keyring;
import dev.fieldvault.keys.VaultConfigurationException;
import dev.fieldvault.keys.VaultKeyset;
import dev.fieldvault.testsupport.TestDatabases;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Date;
import java.util.Map;
import java.util.function.Supplier;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Misconfigurations fail when the session factory starts, naming the entity and attribute (on H2: no database is needed to fail). */
class StartupFailureTest {

  @Entity(name = "IdentityRowBound")
  @Table(name = "hib_bad_identity")
  public static class IdentityRowBound {
    @Id @GeneratedValue(strategy = GenerationType.IDENTITY) public Long id;
    @Encrypted(rowBound = true) public String secret;
  }

  @Entity(name = "DeterministicRowBound")
  @Table(name = "hib_bad_det")
  public static class DeterministicRowBound {
    @Id public Long id;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC, rowBound = true) public String email;
  }

  @Entity(name = "UnsupportedType")
  @Table(name = "hib_bad_type")
  public static class UnsupportedType {
    @Id public Long id;
    @Encrypted public Date when;
  }

  @Embeddable
  public static class RowBoundPart {
    @Encrypted(rowBound = true) @Column(name = "part_secret") public String secret;
  }

  @Entity(name = "RowBoundInEmbeddable")
  @Table(name = "hib_bad_embedded")
  public static class RowBoundInEmbeddable {
    @Id public Long id;
    @Embedded public RowBoundPart part;
  }

  @Entity(name = "EncryptedId")
  @Table(name = "hib_bad_id")
  public static class EncryptedId {
    @Id @Encrypted public String id;
  }

  @Entity(name = "LockedByAllColumns")
  @Table(name = "hib_bad_lock")
  @org.hibernate.annotations.OptimisticLocking(type = org.hibernate.annotations.OptimisticLockType.ALL)
  @org.hibernate.annotations.DynamicUpdate
  public static class LockedByAllColumns {
    @Id public Long id;
    @Encrypted(rowBound = true) public String secret;
  }

  @Entity(name = "LockedByDirtyColumns")
  @Table(name = "hib_bad_lock_dirty")
  @org.hibernate.annotations.OptimisticLocking(type = org.hibernate.annotations.OptimisticLockType.DIRTY)
  @org.hibernate.annotations.DynamicUpdate
  public static class LockedByDirtyColumns {
    @Id public Long id;
    @Encrypted(mode = EncryptionMode.DETERMINISTIC) public String email;
  }

  @Entity(name = "EncryptedNaturalId")
  @Table(name = "hib_bad_natural")
  public static class EncryptedNaturalId {
    @Id public Long id;
    @org.hibernate.annotations.NaturalId @Encrypted(rowBound = true) public String ssn;
  }

  @Entity(name = "BadContext")
  @Table(name = "hib_bad_context")
  public static class BadContext {
    @Id public Long id;
    @Encrypted(context = "Domain.") public String value;
  }

  @Entity(name = "CacheContext")
  @Table(name = "hibc_bad_cache_context")
  public static class CacheContext {
    @Id public Long id;
    @Encrypted(context = "Patient.note#l2cache") public String value;
  }

  @Entity(name = "BadBlindIndex")
  @Table(name = "hib_bad_bidx")
  public static class BadBlindIndex {
    @Id public Long id;
    @Encrypted public String email;
    @BlindIndex(of = "mail") public byte[] emailIndex;
  }

  @Entity(name = "OrdinalEnum")
  @Table(name = "hib_bad_ordinal")
  public static class OrdinalEnum {
    @Id public Long id;
    @Encrypted @Enumerated(EnumType.ORDINAL) public dev.fieldvault.hibernate.entities.Color color;
  }

  @Entity(name = "BareEnumerated")
  @Table(name = "hib_bad_bare_enumerated")
  public static class BareEnumerated {
    @Id public Long id;
    @Encrypted @Enumerated public dev.fieldvault.hibernate.entities.Color color;
  }

  @Entity(name = "StringEnum")
  @Table(name = "hib_string_enum")
  public static class StringEnum {
    @Id public Long id;
    @Encrypted @Enumerated(EnumType.STRING) public dev.fieldvault.hibernate.entities.Color color;
  }

  @Entity(name = "EncryptedEmbedded")
  @Table(name = "hib_bad_enc_embedded")
  public static class EncryptedEmbedded {
    @Id public Long id;
    @Encrypted @Embedded public Address address;
  }

  @Embeddable
  public static class IndexedPart {
    @Encrypted @Column(name = "part_email") public String email;
    @BlindIndex(of = "email") @Column(name = "part_email_bidx") public byte[] emailIndex;
  }

  @Entity(name = "BlindIndexInEmbeddable")
  @Table(name = "hib_bad_bidx_embedded")
  public static class BlindIndexInEmbeddable {
    @Id public Long id;
    @Embedded public IndexedPart part;
  }

  /** Property access: Hibernate reads the getters' annotations, so @Encrypted on the field is not applied. */
  @Entity(name = "FieldAnnotatedPropertyAccess")
  @Table(name = "hib_bad_access")
  @jakarta.persistence.Access(jakarta.persistence.AccessType.PROPERTY)
  public static class FieldAnnotatedPropertyAccess {
    private Long id;
    @Encrypted private String secret;

    @Id
    public Long getId() {
      return id;
    }

    public void setId(Long id) {
      this.id = id;
    }

    public String getSecret() {
      return secret;
    }

    public void setSecret(String secret) {
      this.secret = secret;
    }
  }

  /** A supplier named by class in the settings, as a container would register it. */
  public static class KeyringSupplier implements Supplier<Keyring> {
    @Override
    public Keyring get() {
      return Keyring.generate("supplied");
    }
  }

  private static String failure(Executable build) {
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class, build);
    StringBuilder all = new StringBuilder();
    boolean typed = false;
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append('\n');
      typed |= c instanceof VaultConfigurationException;
    }
    assertThat(typed).as("a VaultConfigurationException in the chain of " + t).isTrue();
    return all.toString();
  }

  private static void build(Keyring keyring, Class<?>... entities) {
    Jpa.build(TestDatabases.h2(), keyring, entities).close();
  }

  /** Finding 6 of the second review: SINGLE_TABLE siblings mapping one column in different contexts. */
  @Test
  void singleTableSiblingsMappingOneColumnDifferently_failNamingBothAndTheFix() {
    assertThat(failure(() -> build(Keyring.generate("k"), dev.fieldvault.hibernate.entities.StVehicle.class,
        dev.fieldvault.hibernate.entities.StCar.class, dev.fieldvault.hibernate.entities.StTruck.class)))
        .containsPattern("St(Car|Truck)\\.code and St(Car|Truck)\\.code map the same column hib_st_vehicle\\.code")
        .contains("StVehicle.code").contains("StTruck.code").contains("discriminator does not choose the context")
        .contains("@Encrypted(context = ");
  }

  @Test
  void rowBindingWithAnIdentityId_failsNamingEntityAttributeAndTheFix() {
    assertThat(failure(() -> build(Keyring.generate("k"), IdentityRowBound.class)))
        .contains("IdentityRowBound.secret").contains("IDENTITY").contains("SEQUENCE");
  }

  @Test
  void deterministicAndRowBound_fails() {
    assertThat(failure(() -> build(Keyring.generate("k"), DeterministicRowBound.class)))
        .contains("DeterministicRowBound.email").contains("deterministic and row-bound");
  }

  @Test
  void anUnsupportedType_failsNamingTheAttributeAndType() {
    assertThat(failure(() -> build(Keyring.generate("k"), UnsupportedType.class)))
        .contains("UnsupportedType.when").contains("java.util.Date").contains("supported are");
  }

  @Test
  void rowBindingInsideAnEmbeddable_fails() {
    assertThat(failure(() -> build(Keyring.generate("k"), RowBoundInEmbeddable.class)))
        .contains("RowBoundInEmbeddable.part.secret").contains("embeddable");
  }

  @Test
  void optimisticLockingOnAllOrDirtyColumns_ofAnEntityWithEncryptedAttributes_failsNamingTheFix() {
    assertThat(failure(() -> build(Keyring.generate("k"), LockedByAllColumns.class)))
        .contains("LockedByAllColumns.secret").contains("OptimisticLockType.ALL").contains("@Version");
    assertThat(failure(() -> build(Keyring.generate("k"), LockedByDirtyColumns.class)))
        .contains("LockedByDirtyColumns.email").contains("OptimisticLockType.DIRTY").contains("@Version");
  }

  @Test
  void anEncryptedNaturalId_failsNamingTheAttribute() {
    assertThat(failure(() -> build(Keyring.generate("k"), EncryptedNaturalId.class)))
        .contains("EncryptedNaturalId.ssn").contains("@NaturalId");
  }

  @Test
  void anEncryptedId_fails() {
    assertThat(failure(() -> build(Keyring.generate("k"), EncryptedId.class))).contains("EncryptedId");
  }

  @Test
  void aMalformedPinnedContext_fails() {
    assertThat(failure(() -> build(Keyring.generate("k"), BadContext.class)))
        .contains("BadContext.value").contains("Domain.");
  }

  @Test
  void aPinnedContextNamedLikeACacheEntry_fails() {
    assertThat(failure(() -> build(Keyring.generate("k"), CacheContext.class)))
        .contains("CacheContext.value").contains("#l2cache").contains("second-level cache");
  }

  @Test
  void aBlindIndexOfAnUnknownAttribute_fails() {
    assertThat(failure(() -> build(Keyring.generate("k"), BadBlindIndex.class)))
        .contains("BadBlindIndex.emailIndex").contains("'mail'");
  }

  @Test
  void anOrdinalEncryptedEnum_failsNamingTheAttributeAndTheFix() {
    assertThat(failure(() -> build(Keyring.generate("k"), OrdinalEnum.class)))
        .contains("OrdinalEnum.color").contains("ORDINAL").contains("EnumType.STRING");
    assertThat(failure(() -> build(Keyring.generate("k"), BareEnumerated.class)))
        .contains("BareEnumerated.color").contains("ORDINAL");
  }

  @Test
  void encryptedOnAnEmbeddedValue_failsInsteadOfStoringItUnencrypted() {
    assertThat(failure(() -> build(Keyring.generate("k"), EncryptedEmbedded.class)))
        .contains("EncryptedEmbedded.address").contains("embedded value").contains("unencrypted");
  }

  @Test
  void aBlindIndexInsideAnEmbeddable_fails() {
    assertThat(failure(() -> build(Keyring.generate("k"), BlindIndexInEmbeddable.class)))
        .contains("BlindIndexInEmbeddable.part.emailIndex").contains("embeddable");
  }

  @Test
  void encryptedOnAFieldThatPropertyAccessIgnores_failsInsteadOfStoringPlaintext() {
    assertThat(failure(() -> build(Keyring.generate("k"), FieldAnnotatedPropertyAccess.class)))
        .contains("FieldAnnotatedPropertyAccess.secret").contains("did not apply").contains("getter");
  }

  @Test
  void aStringEncryptedEnum_starts() {
    build(Keyring.generate("k"), StringEnum.class);
  }

  @Test
  void anApplicationSetQueryTranslator_failsTheStartUp_sinceQueriesOnCiphertextWouldGoUnchecked() {
    assertThat(failure(() -> Jpa.build(TestDatabases.h2(), Map.of(FieldVaultSettings.KEYRING, Keyring.generate("k"),
        "hibernate.query.sqm.translator", org.hibernate.query.sqm.sql.StandardSqmTranslatorFactory.class.getName()),
        Customer.class).close()))
        .contains("hibernate.query.sqm.translator").contains("Customer.");
  }

  @Test
  void missingKeys_failNamingTheSetting() {
    assertThat(failure(() -> build(null, Customer.class)))
        .contains("no keys are configured").contains(FieldVaultSettings.KEYRING).contains("Customer.");
  }

  @Test
  void aKeyringWithoutTheKeysetAModeNeeds_failsNamingTheAttribute() {
    Keyring aeadOnly = Keyring.of(VaultKeyset.generate("only-aead", KeyPurpose.AEAD), null, null);
    assertThat(failure(() -> build(aeadOnly, Customer.class)))
        .contains("Customer.email").contains("deterministic");
  }

  @Test
  void anUnknownPlaintextPolicy_fails() {
    assertThat(failure(() -> Jpa.build(TestDatabases.h2(), Map.of(FieldVaultSettings.KEYRING, Keyring.generate("k"),
        FieldVaultSettings.PLAINTEXT_POLICY, "SOMETIMES"), Customer.class).close()))
        .contains(FieldVaultSettings.PLAINTEXT_POLICY).contains("MIGRATE");
  }

  @Test
  void keysFromASupplierClassName_areUsed() {
    try (SessionFactory sf = Jpa.build(TestDatabases.h2(), Map.of(FieldVaultSettings.KEYRING,
        KeyringSupplier.class.getName()), Customer.class)) {
      assertThat(HibernateVault.of(sf).cipher().keyring().aead().orElseThrow().name()).isEqualTo("supplied-aead");
    }
  }

  @Test
  void embeddablesAreDiscoveredWithTheirPath() {
    try (SessionFactory sf = Jpa.build(TestDatabases.h2(), Keyring.generate("k"),
        dev.fieldvault.hibernate.entities.AllTypes.class)) {
      EncryptedAttribute street = HibernateVault.of(sf).attribute(dev.fieldvault.hibernate.entities.AllTypes.class,
          "address.street");
      assertThat(street.context().domain()).isEqualTo("AllTypes");
      assertThat(street.context().field()).isEqualTo("address.street");
      assertThat(street.column()).isEqualTo("street");
      assertThat(Address.class).isNotNull();
    }
  }
}
