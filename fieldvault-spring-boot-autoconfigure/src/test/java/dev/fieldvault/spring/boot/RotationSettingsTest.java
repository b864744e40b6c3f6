package dev.fieldvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.spring.boot.app.Tables;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * {@code fieldvault.rotation.*} out of range, or a promotion delay shorter than the key refresh
 * interval, stops the start-up with a report naming the property and its range (not when a rotation
 * runs, perhaps at night).
 */
class RotationSettingsTest {

  static FailureAnalysis start(String... properties) {
    String[] all = new String[properties.length + 1];
    all[0] = "fieldvault.kek.master-secret=" + Tables.MASTER_SECRET;
    System.arraycopy(properties, 0, all, 1, properties.length);
    return FailureAnalysisTest.startFailing(all);
  }

  @Test
  void batchSizeOutOfRange_namesThePropertyAndTheRange() {
    for (String value : new String[] {"0", "10001"}) {
      FailureAnalysis a = start("fieldvault.rotation.batch-size=" + value);
      assertThat(a.getDescription()).contains("fieldvault.rotation.batch-size is " + value).contains("1 to 10,000");
      assertThat(a.getAction()).contains("fieldvault.rotation.batch-size");
    }
  }

  @Test
  void rangeSizeOutOfRange_namesThePropertyAndTheRange() {
    FailureAnalysis a = start("fieldvault.rotation.range-size=-5");
    assertThat(a.getDescription()).contains("fieldvault.rotation.range-size is -5").contains("100 to 10,000,000");
  }

  @Test
  void negativeThrottle_namesTheProperty() {
    FailureAnalysis a = start("fieldvault.rotation.throttle=-1");
    assertThat(a.getDescription()).contains("fieldvault.rotation.throttle is -1.0").contains(">= 0");
  }

  @Test
  void negativePromotionDelay_namesTheProperty() {
    FailureAnalysis a = start("fieldvault.rotation.promotion-delay=-1s");
    assertThat(a.getDescription()).contains("fieldvault.rotation.promotion-delay").contains("0s to 24h");
  }

  @Test
  void promotionDelayBelowRefreshInterval_isRefused_namingBothProperties() {
    for (String delay : new String[] {"1s", "0s"}) {
      FailureAnalysis a = start("fieldvault.keys.refresh-interval=10m", "fieldvault.rotation.promotion-delay=" + delay);
      assertThat(a.getDescription()).contains("fieldvault.rotation.promotion-delay")
          .contains("fieldvault.keys.refresh-interval").contains("shorter than").contains("misses the rows");
      assertThat(a.getAction()).contains("at least fieldvault.keys.refresh-interval").contains("single instance");
    }
  }

  @Test
  void rotationDisabled_settingsAreNotChecked() throws Exception {
    // the same bad values start when no rotation job exists on this instance
    try (var ctx = new org.springframework.boot.builder.SpringApplicationBuilder(dev.fieldvault.spring.boot.app.TestApp.class)
        .web(org.springframework.boot.WebApplicationType.NONE)
        .properties("spring.datasource.url=jdbc:h2:mem:rsoff;DB_CLOSE_DELAY=-1", "spring.liquibase.enabled=false",
            "spring.jpa.hibernate.ddl-auto=create-drop", "fieldvault.kek.master-secret=" + Tables.MASTER_SECRET,
            "fieldvault.keys.create-if-missing=true", "fieldvault.rotation.enabled=false",
            "fieldvault.rotation.batch-size=0", "fieldvault.rotation.promotion-delay=0s")
        .run()) {
      assertThat(ctx.getBeansOfType(FieldVaultRotation.class)).isEmpty();
    }
  }
}
