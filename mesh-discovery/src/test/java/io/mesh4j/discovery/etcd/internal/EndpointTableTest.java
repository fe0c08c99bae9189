package io.mesh4j.discovery.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.discovery.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointTableTest {

  private final EndpointTable table = new EndpointTable("/p/");

  private static EndpointTable.Entry entry(String key, String value, long revision) {
    return new EndpointTable.Entry(key, value.getBytes(StandardCharsets.UTF_8), revision);
  }

  private static String json(int port) {
    return "{\"host\":\"10.0.0.1\",\"port\":" + port + "}";
  }

  @Test
  void keysAreGroupedByTheServiceSegmentAfterThePrefix() {
    table.replaceAll(List.of(entry("/p/orders/a", json(1), 2), entry("/p/orders/b", json(2), 3),
        entry("/p/payments/a", json(3), 4)));
    assertThat(table.endpoints("orders")).containsExactly(Endpoint.of("10.0.0.1", 1), Endpoint.of("10.0.0.1", 2));
    assertThat(table.endpoints("payments")).containsExactly(Endpoint.of("10.0.0.1", 3));
    assertThat(table.endpoints("inventory")).isEmpty();
  }

  @Test
  void aNewListingReportsOnlyTheServicesWhoseKeysChanged() {
    table.replaceAll(List.of(entry("/p/orders/a", json(1), 2), entry("/p/payments/a", json(3), 4)));
    assertThat(table.replaceAll(List.of(entry("/p/orders/a", json(1), 2), entry("/p/payments/a", json(4), 9),
        entry("/p/inventory/a", json(5), 10)))).containsExactlyInAnyOrder("payments", "inventory");
    assertThat(table.replaceAll(List.of(entry("/p/orders/a", json(1), 2)))).containsExactlyInAnyOrder("payments", "inventory");
    assertThat(table.endpoints("payments")).isEmpty();
  }

  @Test
  void putsAndDeletesNameTheirService() {
    assertThat(table.put(entry("/p/orders/a", json(1), 2))).isEqualTo("orders");
    assertThat(table.delete("/p/orders/a")).isEqualTo("orders");
    assertThat(table.delete("/p/orders/a")).as("already gone").isNull();
    assertThat(table.put(entry("/p/orders", json(1), 3))).as("not in the layout").isNull();
    assertThat(table.put(entry("/p/orders/", json(1), 3))).as("no endpoint part").isNull();
  }

  @Test
  void aMalformedValueIsLeftOutAndTheOthersKept() {
    table.put(entry("/p/orders/a", json(1), 2));
    table.put(entry("/p/orders/b", "{\"host\":\"x\",\"port\":0}", 3));
    table.put(entry("/p/orders/c", "", 4));
    table.put(entry("/p/orders/d", "[1,2]", 5));
    assertThat(table.endpoints("orders")).containsExactly(Endpoint.of("10.0.0.1", 1));
  }
}
