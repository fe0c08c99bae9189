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
 * What a user pays per request with the whole mesh on, next to raw OkHttp: one GET over kept-alive
 * loopback connections to three {@link RawHttpBackend}s, three ways side by side:
 *
 * <ul>
 *   <li>{@link #raw}: a plain OkHttpClient, taking the three backends' URLs in turn (the baseline);
 *   <li>{@link #meshCore}: mesh-core's pipeline alone (resilience and tracing kept out, as {@link
 *       BenchMesh} does for the other benchmarks);
 *   <li>{@link #meshAll}: every module as a user gets it from the class path: mesh-resilience with
 *       its defaults, mesh-tracing enabled with the global OpenTelemetry (the no-op one, as nothing
 *       registers another), mesh-tls present with {@code mesh.tls.mode=disabled}.
 * </ul>
 *
 * <p>{@link #meshAllDistinctUrls} is {@link #meshAll} with a different path on every request (of
 * 1024, in turn): the mesh keeps each endpoint's last rewritten URL, which the other variants, one
 * URL over and over, always reuse.
 *
 * <p>The default policy (peak-ewma) spreads the mesh's requests over the three backends. The backends
 * run in this JVM: with {@code -prof gc} their allocation is in every score alike, so the
 * differences of {@code gc.alloc.rate.norm} are the client's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class FullStackOverheadBenchmark {

  private static final int BACKENDS = 3;

  private final RawHttpBackend[] backends = new RawHttpBackend[BACKENDS];
  private final Request[] directRequests = new Request[BACKENDS];
  private int next;
  private MeshClient core;
  private MeshClient all;
  private OkHttpClient plain;
  private OkHttpClient coreClient;
  private OkHttpClient allClient;
  private Request meshRequest;
  private final Request[] distinctMeshRequests = new Request[1024];
  private int nextDistinct;

  @Setup
  public void setUp() throws IOException {
    StringBuilder endpoints = new StringBuilder();
    for (int i = 0; i < BACKENDS; i++) {
      backends[i] = RawHttpBackend.start();
      directRequests[i] = new Request.Builder().url("http://" + backends[i].authority() + "/items/42").build();
      endpoints.append(i == 0 ? "" : ",").append(backends[i].authority());
    }
    core = BenchMesh.client(endpoints.toString(), "peak-ewma", Map.of());
    all =
        BenchMesh.builder(endpoints.toString(), "peak-ewma", Map.of())
            .property("mesh.tracing.enabled", "true") // the ServiceLoader module: GlobalOpenTelemetry
            .module(new ResilienceModule()) // replaces BenchMesh's AbsentModule: the defaults
            .build();
    plain = new OkHttpClient();
    coreClient = core.wrap(plain);
    allClient = all.wrap(plain);
    meshRequest = new Request.Builder().url("http://" + BenchMesh.SERVICE + "/items/42").build();
    for (int i = 0; i < distinctMeshRequests.length; i++) {
      distinctMeshRequests[i] = new Request.Builder().url("http://" + BenchMesh.SERVICE + "/items/" + i).build();
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    int connections = 0;
    for (RawHttpBackend b : backends) {
      connections += b.accepted();
    }
    core.close();
    all.close();
    BenchMesh.shutdown(plain);
    for (RawHttpBackend b : backends) {
      b.close();
    }
    // one kept-alive connection per backend per pool (plain, two meshes)
    BenchMesh.checkKeepAlive(connections, 3 * BACKENDS * 2, "3 clients x 3 backends");
  }

  @Benchmark
  public int raw() throws IOException {
    Request request = directRequests[next];
    next = next == BACKENDS - 1 ? 0 : next + 1;
    return BenchMesh.call(plain, request);
  }

  @Benchmark
  public int meshCore() throws IOException {
    return BenchMesh.call(coreClient, meshRequest);
  }

  @Benchmark
  public int meshAll() throws IOException {
    return BenchMesh.call(allClient, meshRequest);
  }

  @Benchmark
  public int meshAllDistinctUrls() throws IOException {
    Request request = distinctMeshRequests[nextDistinct];
    nextDistinct = (nextDistinct + 1) & (distinctMeshRequests.length - 1);
    return BenchMesh.call(allClient, request);
  }
}
