package io.mesh4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The live-reload demo keeps working: edits under load fail no request until the service is
 * removed, the backends' own counts follow each edit, and nothing is left running.
 */
class LiveReloadDemoTest {

  @Test
  void everyEditAppliesUnderLoadWithoutAFailedRequest() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      LiveReloadDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    original.print(output);
    List<String> served = output.lines().filter(l -> l.startsWith("   served:")).toList();
    List<String> failures = output.lines().filter(l -> l.contains("failed requests in this phase")).toList();

    assertThat(served).hasSize(5);
    assertThat(failures.subList(0, 4)).allMatch(l -> l.endsWith("none"));
    assertThat(output).contains("ServiceRemovedException: service 'orders' was removed from the mesh configuration");
    // at the backends: orders-3 only after it was added, orders-1 nothing once drained
    assertThat(count(served.get(0), "orders-3")).isZero();
    assertThat(count(served.get(1), "orders-3")).isPositive();
    assertThat(count(served.get(3), "orders-1")).isZero();
    assertThat(count(served.get(3), "orders-3")).isGreaterThan(count(served.get(3), "orders-2"));
    assertThat(output).contains("event: ConfigRejected");
    assertThat(output).contains("configStatus: version 4");
    leaks.assertNoNewMeshThreads();
  }

  private static long count(String servedLine, String backend) {
    String rest = servedLine.substring(servedLine.indexOf(backend) + backend.length()).trim();
    return Long.parseLong(rest.split("\\s+")[0]);
  }
}
