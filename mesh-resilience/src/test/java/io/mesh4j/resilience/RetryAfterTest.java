package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.MeshClient;
import io.mesh4j.event.RetryScheduled;
import io.mesh4j.resilience.HoldingBackend.Reply;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A retried response's {@code Retry-After} sets the wait before the retry: lower bounds only are
 * asserted (this machine may be slow, never fast).
 */
@Timeout(30)
class RetryAfterTest {

  /** The first request is answered 503 with {@code retryAfter}, the next ones 200. */
  private static HoldingBackend unavailableOnce(java.util.function.Supplier<String> retryAfter) throws Exception {
    return HoldingBackend.start((n, method) -> n == 1 ? Reply.status(503, "Retry-After: " + retryAfter.get())
        : Reply.after(0, "ok"));
  }

  private static MeshClient.Builder mesh(HoldingBackend backend) {
    return TestMeshes.builder().property("mesh.services.orders.endpoints", backend.endpoint());
  }

  private static int call(MeshClient mesh) throws Exception {
    try (Response r = mesh.wrap(new OkHttpClient()).newCall(get("http://orders/x")).execute()) {
      return r.code();
    }
  }

  @Test
  void retryAfterInSecondsDelaysTheRetryByThatMuch() throws Exception {
    try (HoldingBackend backend = unavailableOnce(() -> "1");
        MeshClient mesh = mesh(backend).build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      long start = System.nanoTime();
      assertThat(call(mesh)).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(backend.requests()).isEqualTo(2);
      assertThat(recorder.of(RetryScheduled.class)).singleElement()
          .satisfies(r -> assertThat(r.backoff()).isEqualTo(Duration.ofSeconds(1)));
    }
  }

  @Test
  void retryAfterAsAnHttpDateDelaysTheRetryUntilThen() throws Exception {
    // written when the 503 is sent: 2 s ahead, whole seconds, so the wait is over 1 s
    try (HoldingBackend backend = unavailableOnce(() -> DateTimeFormatter.RFC_1123_DATE_TIME
            .format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2)));
        MeshClient mesh = mesh(backend).build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      long start = System.nanoTime();
      assertThat(call(mesh)).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(backend.requests()).isEqualTo(2);
      assertThat(recorder.of(RetryScheduled.class)).singleElement()
          .satisfies(r -> assertThat(r.backoff()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(2)));
    }
  }

  @Test
  void retryAfterBeyondItsCapReturnsTheResponseWithoutRetrying() throws Exception {
    try (HoldingBackend backend = unavailableOnce(() -> "30");
        MeshClient mesh = mesh(backend).property("mesh.services.orders.retry.retry-after.max", "2s").build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      long start = System.nanoTime();
      assertThat(call(mesh)).isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no wait").isLessThan(Duration.ofSeconds(2));
      assertThat(backend.requests()).isEqualTo(1);
      assertThat(recorder.count(RetryScheduled.class)).isZero();
    }
  }

  @Test
  void retryAfterPastTheDeadlineReturnsTheResponseAtOnceRatherThanTimingOut() throws Exception {
    try (HoldingBackend backend = unavailableOnce(() -> "5");
        MeshClient mesh = mesh(backend).property("mesh.services.orders.timeout", "3s").build()) {
      long start = System.nanoTime();
      assertThat(call(mesh)).isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well before the deadline").isLessThan(Duration.ofSeconds(3));
      assertThat(backend.requests()).isEqualTo(1);
    }
  }

  @Test
  void retryAfterOnAHedgedRequestDelaysItsNextAttempt() throws Exception {
    try (HoldingBackend backend = unavailableOnce(() -> "1");
        MeshClient mesh = mesh(backend).property("mesh.services.orders.hedge.delay", "10s").build()) {
      EventRecorder recorder = EventRecorder.on(mesh);
      long start = System.nanoTime();
      assertThat(call(mesh)).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(backend.requests()).isEqualTo(2);
      assertThat(recorder.of(RetryScheduled.class)).singleElement()
          .satisfies(r -> assertThat(r.backoff()).isEqualTo(Duration.ofSeconds(1)));
    }
  }
}
