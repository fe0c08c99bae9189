package io.mesh4j.benchmarks;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Picker#pick} plus the {@code CallTracker.onComplete} the pipeline makes for each attempt,
 * for every policy over 3, 10, 100 and 1000 endpoints, on one thread and on two threads sharing
 * the picker (its atomics contend as they would under concurrent requests). Hashing policies get a
 * hash key from a fixed set, as a request with the hash header would; the others an empty request.
 * {@code <policy>+slow-start} is the policy inside the mesh's slow-start wrapper with a tenth of
 * the endpoints ramping (they joined after the others, within an hour-long window), so picks draw
 * from unequal weights; {@code peak-ewma-baseline} is peak-EWMA before issue 10.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PickBenchmark {

  /** A latency that stands for a 1 ms response, reported to trackers that weigh latency. */
  private static final long LATENCY_NANOS = 1_000_000;

  @Param({
    "round-robin",
    "weighted-round-robin",
    "random",
    "least-request",
    "peak-ewma",
    "peak-ewma+slow-start",
    "ring-hash",
    "maglev"
  })
  public String policy;

  @Param({"3", "10", "100", "1000"})
  public int endpoints;

  /**
   * {@code flat} (the default): the policy alone. {@code zone-direct}, {@code zone-residual}: inside
   * the mesh's priority and zone wrappers over 3 zones, all traffic local or 75 % local (see {@link
   * PickerFixture#picker(String, int, String)}); e.g. {@code -p endpoints=1000 -p
   * routing=flat,zone-direct,zone-residual}.
   */
  @Param({"flat"})
  public String routing;

  private PickerFixture fixture;
  private Picker picker;
  private PickRequest[] requests;

  @Setup
  public void setUp() {
    fixture = PickerFixture.of(policy, endpoints, routing);
    picker = fixture.picker();
    boolean hashing = policy.equals("ring-hash") || policy.equals("maglev");
    requests = new PickRequest[1024];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = hashing ? PickRequest.withHashKey("user-" + i) : PickRequest.empty();
    }
  }

  @TearDown
  public void tearDown() {
    fixture.close();
  }

  /** Per-thread cursor over the prepared requests, so threads do not share a counter of ours. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  @Threads(1)
  public Endpoint oneThread(Cursor cursor) {
    return pickAndComplete(cursor);
  }

  @Benchmark
  @Threads(2)
  public Endpoint twoThreads(Cursor cursor) {
    return pickAndComplete(cursor);
  }

  private Endpoint pickAndComplete(Cursor cursor) {
    PickRequest request = requests[cursor.next++ & (requests.length - 1)];
    PickResult result = picker.pick(request);
    result.tracker().onComplete(LATENCY_NANOS, true);
    return result.endpoint();
  }
}
