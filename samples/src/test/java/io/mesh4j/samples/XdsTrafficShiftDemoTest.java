package io.mesh4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The xDS demo keeps working: each push of the real control plane moves the traffic the backends
 * count, the bad push is refused while the last good routes keep serving, no request fails, and
 * nothing is left running.
 */
class XdsTrafficShiftDemoTest {

  @Test
  void theControlPlaneShiftsTrafficLiveWithoutAFailedRequest() throws Exception {
    LeakCheck leaks = LeakCheck.snapshot();
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      XdsTrafficShiftDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    original.print(output);
    List<String> served = output.lines().filter(l -> l.startsWith("   served:")).toList();
    List<String> failures = output.lines().filter(l -> l.contains("failed requests in this phase")).toList();

    assertThat(served).hasSize(5);
    assertThat(failures).allMatch(l -> l.endsWith("none"));
    assertThat(output).contains("requests answered:").contains(", failed: 0");
    // at the backends: v1 only; then a small share to v2; then about half; unchanged by the refused push; then v2 only
    assertThat(v2Share(served.get(0))).isZero();
    assertThat(v2Share(served.get(1))).isBetween(0.02, 0.25);
    assertThat(v2Share(served.get(2))).isBetween(0.35, 0.65);
    assertThat(v2Share(served.get(3))).isBetween(0.35, 0.65);
    assertThat(v2Share(served.get(4))).isEqualTo(1.0);
    // both v1 backends take v1's share (least-request over the cluster's endpoints)
    assertThat(count(served.get(0), "v1-a")).isPositive();
    assertThat(count(served.get(0), "v1-b")).isPositive();
    assertThat(output).contains("version 4 rejected (NACK").contains("transport_sockets.alts"); // the mapper names the type
    leaks.assertNoNewMeshThreads();
  }

  private static double v2Share(String servedLine) {
    long v1 = count(servedLine, "v1-a") + count(servedLine, "v1-b");
    long v2 = count(servedLine, "v2-a");
    assertThat(v1 + v2).as("requests served in the phase: %s", servedLine).isPositive();
    return (double) v2 / (v1 + v2);
  }

  private static long count(String servedLine, String backend) {
    String rest = servedLine.substring(servedLine.indexOf(backend) + backend.length()).trim();
    return Long.parseLong(rest.split("\\s+")[0]);
  }
}
