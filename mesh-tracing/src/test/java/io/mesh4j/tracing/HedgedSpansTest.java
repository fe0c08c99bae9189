package io.mesh4j.tracing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.MeshClient;
import io.mesh4j.tracing.internal.HttpSemconv;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Attempts that run at the same time (hedging) are each a CLIENT span of the request's trace. */
class HedgedSpansTest {

  private final TelemetryFixture telemetry = new TelemetryFixture();

  @AfterEach
  void stop() {
    telemetry.close();
  }

  @Test
  void aHedgeIsAClientSpanOfTheSameTraceAndTheAttemptItOvertookIsMarkedSuperseded() throws IOException {
    HedgeOnceModule hedging = new HedgeOnceModule();
    AtomicInteger requests = new AtomicInteger();
    try (MockWebServer backend = new MockWebServer()) {
      backend.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          if (requests.incrementAndGet() == 1) {
            hedging.firstArrived.countDown();
            return new MockResponse.Builder().headersDelay(20, TimeUnit.SECONDS).body("late").build();
          }
          return new MockResponse.Builder().body("ok").build();
        }
      });
      backend.start(InetAddress.getByName("127.0.0.1"), 0);
      try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).module(hedging).build()) {
        MDC.put("request-id", "r-7");
        try (Response r = mesh.wrap(new OkHttpClient())
            .newCall(new Request.Builder().url("http://orders/").build()).execute()) {
          assertThat(r.code()).isEqualTo(200);
        } finally {
          MDC.remove("request-id");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> telemetry.spansOfKind(SpanKind.CLIENT).size() == 2);
      }
    }
    SpanData logical = telemetry.onlySpanOfKind(SpanKind.INTERNAL);
    List<SpanData> attempts = telemetry.spansOfKind(SpanKind.CLIENT);
    SpanData first = attempts.stream().filter(s -> s.getAttributes().get(HttpSemconv.HTTP_REQUEST_RESEND_COUNT) == null)
        .findFirst().orElseThrow();
    SpanData second = attempts.stream().filter(s -> s != first).findFirst().orElseThrow();
    assertThat(first)
        .as("the first attempt ran on another thread, in the request's trace")
        .hasParent(logical)
        .hasStatus(StatusData.unset())
        .hasAttribute(MeshAttributes.ATTEMPT_SUPERSEDED, true);
    assertThat(second)
        .hasParent(logical)
        .hasStatus(StatusData.unset())
        .hasAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L)
        .hasAttribute(HttpSemconv.HTTP_REQUEST_RESEND_COUNT, 1L);
    assertThat(hedging.requestIdsSeen).as("the caller's MDC on both threads").containsExactly("r-7", "r-7");
  }
}
