package io.mesh4j.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.tracing.internal.HttpSemconv;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.okhttp.v3_0.OkHttpTelemetry;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * mesh4j beside OpenTelemetry's OkHttp library instrumentation ({@code opentelemetry-okhttp-3.0}),
 * wrapped the way its docs show: {@code OkHttpTelemetry.create(otel).createCallFactory(mesh.wrap(client))}.
 * The trace must keep one CLIENT span per physical request (never a CLIENT span inside a CLIENT
 * span) and {@code http.client.request.duration} must be recorded once per attempt.
 */
class OkHttpInstrumentationCoexistenceTest {

  private static final String LIBRARY_SCOPE = "io.opentelemetry.okhttp-3.0";

  private final TelemetryFixture telemetry = new TelemetryFixture();
  private final MockWebServer backend = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    backend.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    backend.close();
    telemetry.close();
  }

  private String endpoint() {
    return "127.0.0.1:" + backend.getPort();
  }

  private static int execute(Call.Factory calls, String url) throws IOException {
    try (Response r = calls.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code();
    }
  }

  @Test
  void withTheLibraryInstrumentationEachAttemptHasOneClientSpanAndTheBackendSeesIt() throws Exception {
    backend.enqueue(new MockResponse.Builder().code(503).build());
    backend.enqueue(new MockResponse.Builder().body("ok").build());
    try (MeshClient mesh = telemetry.mesh(endpoint()).module(new RetryOnceModule()).build()) {
      Call.Factory calls = OkHttpTelemetry.create(telemetry.sdk).createCallFactory(mesh.wrap(new OkHttpClient()));
      assertThat(execute(calls, "http://orders/items/42")).isEqualTo(200);
    }
    List<String> parentsSeen = List.of(parentSpanId(backend.takeRequest()), parentSpanId(backend.takeRequest()));

    List<SpanData> clients = telemetry.spansOfKind(SpanKind.CLIENT);
    assertThat(clients).as("CLIENT spans").hasSize(2).allMatch(s -> scope(s).equals(LIBRARY_SCOPE));
    assertThat(parentsSeen)
        .as("each attempt's traceparent names that attempt's CLIENT span")
        .containsExactlyInAnyOrderElementsOf(clients.stream().map(SpanData::getSpanId).toList());
    // logical INTERNAL -> mesh attempt INTERNAL (mesh.* attributes) -> library CLIENT -> backend
    SpanData logical = onlyNamed("GET orders");
    List<SpanData> meshAttempts =
        telemetry.spans.getFinishedSpanItems().stream()
            .filter(s -> scope(s).equals(MeshTracing.INSTRUMENTATION_NAME) && s != logical)
            .toList();
    assertThat(meshAttempts).hasSize(2);
    for (SpanData attempt : meshAttempts) {
      assertThat(attempt.getKind()).isEqualTo(SpanKind.INTERNAL);
      assertThat(attempt.getParentSpanId()).isEqualTo(logical.getSpanId());
      assertThat(attempt.getAttributes().get(MeshAttributes.ENDPOINT)).isEqualTo(endpoint());
    }
    assertThat(clients.stream().map(SpanData::getParentSpanId))
        .containsExactlyInAnyOrderElementsOf(meshAttempts.stream().map(SpanData::getSpanId).toList());
    assertNoClientSpanInsideAClientSpan();

    assertThat(requestDurationCountsByScope())
        .as("http.client.request.duration recorded once per attempt")
        .containsExactly(Map.entry(LIBRARY_SCOPE, 2L));
  }

  /**
   * Hedged attempts are OkHttp calls of their own on a client core builds from the one given to
   * mesh.wrap(), without the interceptors OkHttpTelemetry added on top: the library sees no attempt
   * and makes one CLIENT span for the call. Still no CLIENT span inside a CLIENT span, nothing
   * recorded twice, and each backend request carries its attempt span's context.
   */
  @Test
  void hedgedAttemptsTheLibraryCannotSeeLeaveOneClientSpanPerCallAndNothingTwice() throws Exception {
    HedgeOnceModule hedging = new HedgeOnceModule();
    AtomicInteger requests = new AtomicInteger();
    Queue<String> parentsSeen = new ConcurrentLinkedQueue<>();
    backend.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            parentsSeen.add(parentSpanId(request));
            if (requests.incrementAndGet() == 1) {
              hedging.firstArrived.countDown();
              return new MockResponse.Builder().headersDelay(20, TimeUnit.SECONDS).body("late").build();
            }
            return new MockResponse.Builder().body("ok").build();
          }
        });
    try (MeshClient mesh = telemetry.mesh(endpoint()).module(hedging).build()) {
      Call.Factory calls = OkHttpTelemetry.create(telemetry.sdk).createCallFactory(mesh.wrap(new OkHttpClient()));
      assertThat(execute(calls, "http://orders/items/42")).isEqualTo(200);
      await().atMost(Duration.ofSeconds(5)).until(() -> meshAttemptSpans().size() == 2);
    }

    SpanData logical = onlyNamed("GET orders");
    List<SpanData> attempts = meshAttemptSpans();
    assertThat(attempts).allSatisfy(attempt -> {
      assertThat(attempt.getKind()).isEqualTo(SpanKind.INTERNAL);
      assertThat(attempt.getParentSpanId()).isEqualTo(logical.getSpanId());
    });
    assertThat(parentsSeen).containsExactlyInAnyOrderElementsOf(attempts.stream().map(SpanData::getSpanId).toList());
    SpanData callSpan = telemetry.onlySpanOfKind(SpanKind.CLIENT);
    assertThat(scope(callSpan)).isEqualTo(LIBRARY_SCOPE);
    assertThat(callSpan.getParentSpanId()).as("beside the logical span").isEqualTo(logical.getParentSpanId());
    assertNoClientSpanInsideAClientSpan();
    assertThat(requestDurationCountsByScope()).containsExactly(Map.entry(LIBRARY_SCOPE, 1L));
  }

  private List<SpanData> meshAttemptSpans() {
    return telemetry.spans.getFinishedSpanItems().stream()
        .filter(s -> scope(s).equals(MeshTracing.INSTRUMENTATION_NAME) && s.getName().equals("GET"))
        .toList();
  }

  @Test
  void aCallThatNeverReachesTheNetworkHasNoClientSpanInsideAClientSpan() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + closedPort).build()) {
      Call.Factory calls = OkHttpTelemetry.create(telemetry.sdk).createCallFactory(mesh.wrap(new OkHttpClient()));
      assertThatThrownBy(() -> execute(calls, "http://orders/items/42")).isInstanceOf(IOException.class);
    }

    // the library makes one CLIENT span for a call none of whose requests reached the network:
    // beside mesh4j's logical span, not inside it; mesh4j's attempt span records the connect error
    assertNoClientSpanInsideAClientSpan();
    List<SpanData> meshAttempts =
        telemetry.spans.getFinishedSpanItems().stream()
            .filter(s -> scope(s).equals(MeshTracing.INSTRUMENTATION_NAME) && s.getName().equals("GET"))
            .toList();
    assertThat(meshAttempts).singleElement().satisfies(attempt -> {
      assertThat(attempt.getKind()).isEqualTo(SpanKind.INTERNAL);
      assertThat(attempt.getAttributes().get(HttpSemconv.ERROR_TYPE)).isNotNull();
    });
    SpanData logical = onlyNamed("GET orders");
    assertThat(telemetry.onlySpanOfKind(SpanKind.CLIENT).getParentSpanId()).isEqualTo(logical.getParentSpanId());
    assertThat(requestDurationCountsByScope()).doesNotContainKey(MeshTracing.INSTRUMENTATION_NAME);
  }

  @Test
  void attemptSpansInternalLeavesClientSpansAndTheirMetricsToTheOtherInstrumentation() throws Exception {
    backend.enqueue(new MockResponse.Builder().body("ok").build());
    try (MeshClient mesh = telemetry.mesh(endpoint()).property("mesh.tracing.attempt-spans", "internal").build()) {
      assertThat(execute(mesh.wrap(new OkHttpClient()), "http://orders/items/42")).isEqualTo(200);
    }

    assertThat(telemetry.spansOfKind(SpanKind.CLIENT)).isEmpty();
    SpanData attempt = onlyNamed("GET");
    assertThat(attempt.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(parentSpanId(backend.takeRequest())).isEqualTo(attempt.getSpanId());
    assertThat(requestDurationCountsByScope()).isEmpty();
    assertThat(telemetry.metric("mesh.client.request.duration").getHistogramData().getPoints()).hasSize(1);
  }

  @Test
  void attemptSpansClientKeepsMeshClientSpansEvenBesideTheLibrary() throws Exception {
    backend.enqueue(new MockResponse.Builder().body("ok").build());
    try (MeshClient mesh = telemetry.mesh(endpoint()).property("mesh.tracing.attempt-spans", "client").build()) {
      Call.Factory calls = OkHttpTelemetry.create(telemetry.sdk).createCallFactory(mesh.wrap(new OkHttpClient()));
      assertThat(execute(calls, "http://orders/items/42")).isEqualTo(200);
    }

    // what auto avoids: the library's CLIENT span inside mesh4j's, the metric recorded twice
    assertThat(telemetry.spansOfKind(SpanKind.CLIENT)).hasSize(2);
    assertThat(requestDurationCountsByScope())
        .containsOnly(Map.entry(LIBRARY_SCOPE, 1L), Map.entry(MeshTracing.INSTRUMENTATION_NAME, 1L));
  }

  @Test
  void withoutTheLibraryAutoKeepsMeshClientSpans() throws Exception {
    backend.enqueue(new MockResponse.Builder().body("ok").build());
    try (MeshClient mesh = telemetry.mesh(endpoint()).build()) {
      assertThat(execute(mesh.wrap(new OkHttpClient()), "http://orders/items/42")).isEqualTo(200);
    }

    SpanData attempt = telemetry.onlySpanOfKind(SpanKind.CLIENT);
    assertThat(parentSpanId(backend.takeRequest())).isEqualTo(attempt.getSpanId());
    assertThat(requestDurationCountsByScope()).containsExactly(Map.entry(MeshTracing.INSTRUMENTATION_NAME, 1L));
  }

  private void assertNoClientSpanInsideAClientSpan() {
    List<SpanData> all = telemetry.spans.getFinishedSpanItems();
    Map<String, SpanData> byId = all.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    for (SpanData client : telemetry.spansOfKind(SpanKind.CLIENT)) {
      for (SpanData p = byId.get(client.getParentSpanId()); p != null; p = byId.get(p.getParentSpanId())) {
        assertThat(p.getKind()).as("kind of an ancestor of CLIENT span %s", client.getSpanId()).isNotEqualTo(SpanKind.CLIENT);
      }
    }
  }

  private SpanData onlyNamed(String name) {
    List<SpanData> named =
        telemetry.spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named %s", name).hasSize(1);
    return named.get(0);
  }

  private static String scope(SpanData span) {
    return span.getInstrumentationScopeInfo().getName();
  }

  /** Histogram counts of http.client.request.duration by the instrumentation scope that recorded them. */
  private Map<String, Long> requestDurationCountsByScope() {
    Map<String, Long> counts = new HashMap<>();
    for (MetricData metric : telemetry.metrics.collectAllMetrics()) {
      if (metric.getName().equals("http.client.request.duration")) {
        counts.merge(
            metric.getInstrumentationScopeInfo().getName(),
            metric.getHistogramData().getPoints().stream().mapToLong(HistogramPointData::getCount).sum(),
            Long::sum);
      }
    }
    return counts;
  }

  private static String parentSpanId(RecordedRequest request) {
    List<String> traceparents = request.getHeaders().values("traceparent");
    assertThat(traceparents).as("traceparent headers the backend saw").hasSize(1);
    return traceparents.get(0).split("-")[2];
  }

}
