package io.mesh4j.benchmarks;

import io.mesh4j.MeshClient;
import io.mesh4j.resilience.ResilienceModule;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What mesh-resilience's retry stage costs on a request that succeeds at once: one GET through a
 * mesh-wrapped OkHttpClient over a kept-alive loopback connection to {@link RawHttpBackend} (as
 * {@link PipelineOverheadBenchmark}'s {@code mesh}), five ways side by side:
 *
 * <ul>
 *   <li>{@link #withoutResilience}: the module replaced by one that does nothing (the baseline);
 *   <li>{@link #retriesOff}: {@code retry.max-attempts=1}, the fast path: no request copy, no
 *       budget;
 *   <li>{@link #retriesOn}: the default {@code retry.max-attempts=2}. A first attempt that succeeds
 *       does here what {@code max-attempts=1} did before the fast path (the request copied with its
 *       progress tag, the budget's lock taken): the "before" of the fast path, in the same run;
 *   <li>{@link #hedgedNotFiring}: {@code hedge.delay=1s}, which never fires on loopback: what the
 *       hedged path costs a request that needs no hedge (its own OkHttp call, a timer scheduled and
 *       cancelled, the budget);
 *   <li>{@link #hedgedPercentileWarm}: {@code hedge.delay=p99} once the service has enough
 *       latencies: the same, plus recording each latency and reading the cached percentile.
 * </ul>
 *
 * Circuit breaker, bulkhead and outlier detection are on (their defaults) in all but the baseline,
 * so the differences between the resilience variants are the retry stage's. mesh-tls and
 * mesh-tracing are off. Each mesh has its own connection pool.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class RetryOverheadBenchmark {

  private RawHttpBackend backend;
  /** The percentile mesh's own: the hedges it sends open connections, which the others must not. */
  private RawHttpBackend percentileBackend;
  private MeshClient bare;
  private MeshClient off;
  private MeshClient on;
  private MeshClient hedged;
  private MeshClient percentile;
  private OkHttpClient plain;
  private OkHttpClient bareClient;
  private OkHttpClient offClient;
  private OkHttpClient onClient;
  private OkHttpClient hedgedClient;
  private OkHttpClient percentileClient;
  private Request request;

  private static MeshClient resilient(RawHttpBackend backend, Map<String, String> keys) {
    return BenchMesh.builder(backend.authority(), "peak-ewma", keys).module(new ResilienceModule()).build();
  }

  @Setup
  public void setUp() throws IOException {
    backend = RawHttpBackend.start();
    percentileBackend = RawHttpBackend.start();
    bare = BenchMesh.client(backend.authority(), "peak-ewma", Map.of());
    off = resilient(backend, Map.of("retry.max-attempts", "1"));
    on = resilient(backend, Map.of());
    hedged = resilient(backend, Map.of("hedge.delay", "1s"));
    percentile = resilient(percentileBackend, Map.of("hedge.delay", "p99"));
    plain = new OkHttpClient();
    bareClient = bare.wrap(plain);
    offClient = off.wrap(plain);
    onClient = on.wrap(plain);
    hedgedClient = hedged.wrap(plain);
    percentileClient = percentile.wrap(plain);
    request = new Request.Builder().url("http://" + BenchMesh.SERVICE + "/items/42").build();
    for (int i = 0; i < 2000; i++) { // p99 is known after 1000 latencies
      BenchMesh.call(percentileClient, request);
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    int connections = backend.accepted();
    int percentileConnections = percentileBackend.accepted();
    bare.close();
    off.close();
    on.close();
    hedged.close();
    percentile.close();
    BenchMesh.shutdown(plain);
    backend.close();
    percentileBackend.close();
    BenchMesh.checkKeepAlive(connections, 8, "4 meshes");
    // p99 hedges about 1% of requests to the one endpoint: each hedge needs a connection of its own
    // (the first attempt holds the pooled one), and the cancelled first attempt's is closed
    System.out.println("hedgedPercentileWarm: " + percentileConnections + " connections");
  }

  @Benchmark
  public int withoutResilience() throws IOException {
    return BenchMesh.call(bareClient, request);
  }

  @Benchmark
  public int retriesOff() throws IOException {
    return BenchMesh.call(offClient, request);
  }

  @Benchmark
  public int retriesOn() throws IOException {
    return BenchMesh.call(onClient, request);
  }

  @Benchmark
  public int hedgedNotFiring() throws IOException {
    return BenchMesh.call(hedgedClient, request);
  }

  @Benchmark
  public int hedgedPercentileWarm() throws IOException {
    return BenchMesh.call(percentileClient, request);
  }
}
