package io.mesh4j.tracing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.tracing.internal.HttpSemconv;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.ExceptionEventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientSpansTest {

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

  private static int execute(MeshClient mesh, String url) throws IOException {
    try (Response r = mesh.wrap(new OkHttpClient()).newCall(new Request.Builder().url(url).build()).execute()) {
      return r.code();
    }
  }

  @Test
  void successIsOneLogicalSpanWithOneClientSpanPerAttemptCarryingHttpAttributes() throws IOException {
    backend.enqueue(new MockResponse.Builder().body("ok").build());
    try (MeshClient mesh = telemetry.mesh(endpoint()).property("mesh.services.orders.lb", "round-robin").build()) {
      execute(mesh, "http://orders/items/42?x=1");
    }

    SpanData logical = telemetry.onlySpanOfKind(SpanKind.INTERNAL);
    SpanData attempt = telemetry.onlySpanOfKind(SpanKind.CLIENT);
    assertThat(logical)
        .hasName("GET orders")
        .hasStatus(StatusData.unset())
        .hasAttributesSatisfyingExactly(
            equalTo(HttpSemconv.HTTP_REQUEST_METHOD, "GET"),
            equalTo(HttpSemconv.URL_FULL, "http://orders/items/42?x=1"),
            equalTo(HttpSemconv.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(HttpSemconv.SERVER_PORT, (long) backend.getPort()),
            equalTo(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L),
            equalTo(MeshAttributes.SERVICE, "orders"),
            equalTo(MeshAttributes.ENDPOINT, endpoint()),
            equalTo(MeshAttributes.LB_POLICY, "round-robin"));
    assertThat(attempt)
        .hasName("GET")
        .hasParent(logical)
        .hasAttributesSatisfyingExactly(
            equalTo(HttpSemconv.HTTP_REQUEST_METHOD, "GET"),
            equalTo(HttpSemconv.URL_FULL, "http://" + endpoint() + "/items/42?x=1"),
            equalTo(HttpSemconv.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(HttpSemconv.SERVER_PORT, (long) backend.getPort()),
            equalTo(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L),
            equalTo(MeshAttributes.SERVICE, "orders"),
            equalTo(MeshAttributes.ENDPOINT, endpoint()));
  }

  @Test
  void theLoadBalancingPolicyIsReportedWhenCoreChoseItToo() throws IOException {
    backend.enqueue(new MockResponse.Builder().build());
    try (MeshClient mesh = telemetry.mesh(endpoint()).build()) {
      execute(mesh, "http://orders/");
    }

    assertThat(telemetry.onlySpanOfKind(SpanKind.INTERNAL)).hasAttribute(MeshAttributes.LB_POLICY, "peak-ewma");
  }

  @Test
  void serverErrorSetsErrorStatusAndTheStatusCodeAsErrorType() throws IOException {
    backend.enqueue(new MockResponse.Builder().code(503).build());
    try (MeshClient mesh = telemetry.mesh(endpoint()).build()) {
      execute(mesh, "http://orders/");
    }

    for (SpanData span : telemetry.spans.getFinishedSpanItems()) {
      assertThat(span)
          .hasStatus(StatusData.error())
          .hasAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 503L)
          .hasAttribute(HttpSemconv.ERROR_TYPE, "503");
    }
  }

  @Test
  void connectFailureRecordsTheExceptionAndItsClassAsErrorType() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + closedPort).build()) {
      assertThatThrownBy(() -> execute(mesh, "http://orders/")).isInstanceOf(ConnectException.class);
    }

    SpanData attempt = telemetry.onlySpanOfKind(SpanKind.CLIENT);
    SpanData logical = telemetry.onlySpanOfKind(SpanKind.INTERNAL);
    for (SpanData span : List.of(attempt, logical)) {
      assertThat(span)
          .hasStatus(StatusData.error())
          .hasAttribute(HttpSemconv.ERROR_TYPE, ConnectException.class.getName())
          .hasAttribute(HttpSemconv.SERVER_PORT, (long) closedPort);
      assertThat(exceptionOf(span)).isInstanceOf(ConnectException.class);
      assertThat(span.getAttributes().get(HttpSemconv.HTTP_RESPONSE_STATUS_CODE)).isNull();
    }
  }

  private static Throwable exceptionOf(SpanData span) {
    return span.getEvents().stream()
        .filter(e -> e instanceof ExceptionEventData)
        .map(e -> ((ExceptionEventData) e).getException())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no exception event on " + span));
  }

  @Test
  void retryThenSuccessIsOneTraceWithAClientSpanPerAttemptAndTheResendCount() throws IOException {
    backend.enqueue(new MockResponse.Builder().code(503).build());
    backend.enqueue(new MockResponse.Builder().body("ok").build());
    try (MeshClient mesh = telemetry.mesh(endpoint()).module(new RetryOnceModule()).build()) {
      assertThat(execute(mesh, "http://orders/")).isEqualTo(200);
    }

    SpanData logical = telemetry.onlySpanOfKind(SpanKind.INTERNAL);
    List<SpanData> attempts = telemetry.spansOfKind(SpanKind.CLIENT);
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0))
        .hasParent(logical)
        .hasStatus(StatusData.error())
        .hasAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 503L);
    assertThat(attempts.get(0).getAttributes().get(HttpSemconv.HTTP_REQUEST_RESEND_COUNT))
        .isNull();
    assertThat(attempts.get(1))
        .hasParent(logical)
        .hasStatus(StatusData.unset())
        .hasAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L)
        .hasAttribute(HttpSemconv.HTTP_REQUEST_RESEND_COUNT, 1L);
    assertThat(logical)
        .hasStatus(StatusData.unset())
        .hasAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L)
        .hasAttribute(HttpSemconv.HTTP_REQUEST_RESEND_COUNT, 1L);
  }

  @Test
  void urlFullHasNoCredentials() throws IOException {
    backend.enqueue(new MockResponse.Builder().build());
    try (MeshClient mesh = telemetry.mesh(endpoint()).build()) {
      execute(mesh, "http://alice:secret@orders/items?sig=abc&page=2");
    }

    assertThat(telemetry.onlySpanOfKind(SpanKind.INTERNAL))
        .hasAttribute(HttpSemconv.URL_FULL, "http://orders/items?sig=REDACTED&page=2");
  }

  @Test
  void disabledTracingRecordsNothing() throws Exception {
    backend.enqueue(new MockResponse.Builder().build());
    try (MeshClient mesh = telemetry.mesh(endpoint()).property("mesh.tracing.enabled", "false").build()) {
      execute(mesh, "http://orders/");
    }

    assertThat(telemetry.spans.getFinishedSpanItems()).isEmpty();
    assertThat(backend.takeRequest().getHeaders().get("traceparent")).isNull();
  }
}
