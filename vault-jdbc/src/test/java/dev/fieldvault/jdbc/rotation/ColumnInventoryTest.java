package dev.fieldvault.jdbc.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnInventoryTest {

  @Test
  void keyIds_arePrintedUnsigned_asInEveryOtherMessage() {
    ColumnInventory c = new ColumnInventory("customer", "email", false, Map.of(-463123206, 120L, 17, 880L), 3, 0);

    assertThat(c.countsText()).isEqualTo("{3831844090=120, 17=880}"); // in the map's (signed) id order
    assertThat(c.toString()).contains("customer.email", "3831844090=120", "17=880").doesNotContain("-463123206");
  }
}
