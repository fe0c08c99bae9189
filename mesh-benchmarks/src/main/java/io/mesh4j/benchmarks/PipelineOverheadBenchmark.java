package io.mesh4j.benchmarks;

import io.mesh4j.MeshClient;
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
 * One GET over a kept-alive loopback connection: the same OkHttpClient straight to the backend's
 * URL ({@link #direct}), wrapped by a mesh to {@code http://orders/} ({@link #mesh}), and wrapped by
 * a mesh whose service has a request timeout ({@link #meshWithTimeout}: a deadline is scheduled
 * and cancelled per request). The backend ({@link RawHttpBackend}) answers from a byte array, so
 * the difference between the scores is the mesh's work per request. The backend runs in this
 * JVM: with {@code -prof gc} its allocation is in every score alike, and the differences are the
 * client's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// the whole OkHttp stack takes ~8 s of calls to settle in C2 on this 2-core machine
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class PipelineOverheadBenchmark {

  private RawHttpBackend backend;
  private MeshClient mesh;
  private MeshClient meshWithDeadline;
  private OkHttpClient plain;
  private OkHttpClient wrapped;
  private OkHttpClient wrappedWithDeadline;
  private Request directRequest;
  private Request meshRequest;

  @Setup
  public void setUp() throws IOException {
    backend = RawHttpBackend.start();
    // the mesh's default policy; one endpoint, so both paths use one connection to one server
    mesh = BenchMesh.client(backend.authority(), "peak-ewma", Map.of());
    meshWithDeadline = BenchMesh.client(backend.authority(), "peak-ewma", Map.of("timeout", "5s"));
    plain = new OkHttpClient();
    wrapped = mesh.wrap(plain);
    wrappedWithDeadline = meshWithDeadline.wrap(plain);
    directRequest = new Request.Builder().url("http://" + backend.authority() + "/items/42").build();
    meshRequest = new Request.Builder().url("http://" + BenchMesh.SERVICE + "/items/42").build();
  }

  @TearDown
  public void tearDown() throws IOException {
    // one kept-alive connection per client (plain pool, two mesh pools); many more would mean the
    // scores include connection setup and are not comparable
    int connections = backend.accepted();
    mesh.close();
    meshWithDeadline.close();
    BenchMesh.shutdown(plain);
    backend.close();
    BenchMesh.checkKeepAlive(connections, 6, "3 clients");
  }

  @Benchmark
  public int direct() throws IOException {
    return BenchMesh.call(plain, directRequest);
  }

  @Benchmark
  public int mesh() throws IOException {
    return BenchMesh.call(wrapped, meshRequest);
  }

  @Benchmark
  public int meshWithTimeout() throws IOException {
    return BenchMesh.call(wrappedWithDeadline, meshRequest);
  }

}
