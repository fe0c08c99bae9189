package io.mesh4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo keeps working: every request answered over mTLS, by every backend. */
class OrdersDemoTest {

  @Test
  void demoServesEveryRequestOverMutualTlsAndLeavesNothingRunning() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      OrdersDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("(0 failed)");
    assertThat(output.lines().filter(l -> l.contains("spiffe://mesh.local/orders"))).hasSize(3);
    assertThat(output).contains("without an SVID is refused");
    leaks.assertNoNewMeshThreads();
  }
}
