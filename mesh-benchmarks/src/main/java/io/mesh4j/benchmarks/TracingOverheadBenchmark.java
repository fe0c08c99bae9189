package io.mesh4j.benchmarks;

import io.mesh4j.MeshClient;
import io.mesh4j.resilience.ResilienceModule;
import io.mesh4j.tracing.MeshTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.util.Collection;
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
 * What mesh-tracing costs per request: one GET through a mesh-wrapped OkHttpClient over a
 * kept-alive loopback connection to {@link RawHttpBackend} (as {@link PipelineOverheadBenchmark}'s
 * {@code mesh}), four ways side by side:
 *
 * <ul>
 *   <li>{@link #tracingDisabled}: {@code mesh.tracing.enabled=false}, the module then adds nothing to
 *       the pipeline (the baseline);
 *   <li>{@link #tracingNoop}: {@code MeshTracing.module(OpenTelemetry.noop())}, which must do no
 *       span or metric work;
 *   <li>{@link #tracingSdk}: an SDK with the always-on sampler, spans ended into a synchronous
 *       processor whose exporter drops them, metrics into a reader that never collects (so the
 *       instruments are live: an SDK meter provider without a reader hands out no-op meters);
 *   <li>{@link #tracingSdkSampledOff}: the same SDK with the always-off sampler (docs/tracing.md's
 *       third case: spans are not recording, metrics still recorded);
 *   <li>{@link #resilienceDefaults}: mesh-resilience with its defaults (circuit breaker, bulkhead,
 *       outlier detection, {@code retry.max-attempts=2}) and tracing with the no-op API: every
 *       module on as a user runs it without an SDK, against {@link #tracingDisabled} (both out);
 *   <li>{@link #resilienceDefaultsSdk}: the same with {@link #tracingSdk}'s SDK (sampling on).
 * </ul>
 *
 * mesh-tls is disabled ({@code mesh.tls.mode=disabled}) and mesh-resilience is kept out ({@link
 * AbsentModule}) but in the two resilience variants, so tracing's stages are the only difference
 * in the first four. Each mesh has its own connection pool.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class TracingOverheadBenchmark {

  private RawHttpBackend backend;
  private OpenTelemetrySdk sdk;
  private OpenTelemetrySdk sdkSampledOff;
  private MeshClient disabledMesh;
  private MeshClient noopMesh;
  private MeshClient sdkMesh;
  private MeshClient sdkSampledOffMesh;
  private MeshClient resilientNoopMesh;
  private MeshClient resilientSdkMesh;
  private OkHttpClient plain;
  private OkHttpClient disabled;
  private OkHttpClient noop;
  private OkHttpClient withSdk;
  private OkHttpClient withSdkSampledOff;
  private OkHttpClient resilientNoop;
  private OkHttpClient resilientSdk;
  private Request request;

  @Setup
  public void setUp() throws IOException {
    backend = RawHttpBackend.start();
    sdk = sdk(Sampler.alwaysOn());
    sdkSampledOff = sdk(Sampler.alwaysOff());
    disabledMesh = BenchMesh.client(backend.authority(), "peak-ewma", Map.of());
    noopMesh = traced(OpenTelemetry.noop());
    sdkMesh = traced(sdk);
    sdkSampledOffMesh = traced(sdkSampledOff);
    resilientNoopMesh = resilient(OpenTelemetry.noop());
    resilientSdkMesh = resilient(sdk);
    plain = new OkHttpClient();
    disabled = disabledMesh.wrap(plain);
    noop = noopMesh.wrap(plain);
    withSdk = sdkMesh.wrap(plain);
    withSdkSampledOff = sdkSampledOffMesh.wrap(plain);
    resilientNoop = resilientNoopMesh.wrap(plain);
    resilientSdk = resilientSdkMesh.wrap(plain);
    request = new Request.Builder().url("http://" + BenchMesh.SERVICE + "/items/42").build();
  }

  private MeshClient traced(OpenTelemetry otel) {
    return tracedBuilder(otel).build();
  }

  /** Tracing with {@code otel} and mesh-resilience with its defaults. */
  private MeshClient resilient(OpenTelemetry otel) {
    return tracedBuilder(otel).module(new ResilienceModule()).build();
  }

  private MeshClient.Builder tracedBuilder(OpenTelemetry otel) {
    return BenchMesh.builder(backend.authority(), "peak-ewma", Map.of())
        .property("mesh.tracing.enabled", "true")
        .module(MeshTracing.module(otel)); // replaces the ServiceLoader one (GlobalOpenTelemetry)
  }

  private static OpenTelemetrySdk sdk(Sampler sampler) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .setSampler(sampler)
                .addSpanProcessor(SimpleSpanProcessor.create(new DroppingSpanExporter()))
                .build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(new IdleMetricReader()).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  @TearDown
  public void tearDown() throws IOException {
    int connections = backend.accepted();
    disabledMesh.close();
    noopMesh.close();
    sdkMesh.close();
    sdkSampledOffMesh.close();
    resilientNoopMesh.close();
    resilientSdkMesh.close();
    sdk.close();
    sdkSampledOff.close();
    BenchMesh.shutdown(plain);
    backend.close();
    BenchMesh.checkKeepAlive(connections, 12, "6 meshes");
  }

  @Benchmark
  public int tracingDisabled() throws IOException {
    return BenchMesh.call(disabled, request);
  }

  @Benchmark
  public int tracingNoop() throws IOException {
    return BenchMesh.call(noop, request);
  }

  @Benchmark
  public int tracingSdk() throws IOException {
    return BenchMesh.call(withSdk, request);
  }

  @Benchmark
  public int tracingSdkSampledOff() throws IOException {
    return BenchMesh.call(withSdkSampledOff, request);
  }

  @Benchmark
  public int resilienceDefaults() throws IOException {
    return BenchMesh.call(resilientNoop, request);
  }

  @Benchmark
  public int resilienceDefaultsSdk() throws IOException {
    return BenchMesh.call(resilientSdk, request);
  }


  /** Ends of sampled spans are turned into SpanData by the processor, then dropped here. */
  private static final class DroppingSpanExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Registered so the SDK's instruments record; never collects (a real reader would, periodically). */
  private static final class IdleMetricReader implements MetricReader {
    @Override
    public void register(CollectionRegistration registration) {}

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public MemoryMode getMemoryMode() {
      return MemoryMode.REUSABLE_DATA;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
