package io.mesh4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.testing.ExternalProcess;
import io.mesh4j.testing.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The etcd demo keeps working against a real etcd: workloads register themselves, the frontend
 * finds them through the etcd watch, follows one leaving and one joining, and no request fails.
 */
class EtcdDiscoveryDemoTest {

  @Test
  void workloadsFoundInEtcdServeEveryRequestAsTheyComeAndGo() throws Exception {
    ExternalProcess.require("etcd", "etcd-server");
    LeakCheck leaks = LeakCheck.snapshot();
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      EtcdDiscoveryDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    original.print(output);
    List<String> served = output.lines().filter(l -> l.startsWith("   served:")).toList();

    assertThat(output.lines().filter(l -> l.contains("failed requests in this phase"))).hasSize(3)
        .allMatch(l -> l.endsWith("none"));
    assertThat(served).hasSize(3);
    for (String backend : List.of("orders-1", "orders-2", "orders-3")) {
      assertThat(count(served.get(0), backend)).as("%s in phase 1", backend).isPositive();
    }
    // counted by the backends: orders-1 gets nothing once it deregistered, orders-4 once it registered
    assertThat(count(served.get(2), "orders-1")).isZero();
    assertThat(count(served.get(2), "orders-4")).isPositive();
    leaks.assertNoNewMeshThreads();
  }

  private static long count(String servedLine, String backend) {
    String rest = servedLine.substring(servedLine.indexOf(backend) + backend.length()).trim();
    return Long.parseLong(rest.split("\\s+")[0]);
  }
}
