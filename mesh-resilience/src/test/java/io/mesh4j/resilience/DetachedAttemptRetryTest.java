package io.mesh4j.resilience;

import static io.mesh4j.resilience.TestMeshes.endpoints;
import static io.mesh4j.resilience.TestMeshes.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.pipeline.ConcurrentAttempts;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import java.io.IOException;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
/**
 * A stage may run the rest of the pipeline on an OkHttp call of its own (concurrentAttempts): the
 * retry stage must still learn that an attempt reached a connection, or a POST that timed out
 * after it was sent would be sent again.
 */
class DetachedAttemptRetryTest {

  /** A third-party CALL stage before retry that runs the rest on a detached attempt, as the SPI allows. */
  static final class DetachModule implements MeshModule {
    @Override public String name() { return "detach"; }
    @Override public String artifactId() { return "mesh-test-detach"; }
    @Override public MeshExtension create(MeshContext context) {
      MeshStage stage = new MeshStage() {
        @Override public Kind kind() { return Kind.CALL; }
        @Override public int order() { return 250; }
        @Override public Response intercept(MeshChain chain) throws IOException {
          ConcurrentAttempts attempts = chain.concurrentAttempts(() -> {});
          return attempts.newAttempt(chain.request()).execute();
        }
      };
      return new MeshExtension() {
        @Override public List<MeshStage> stages() { return List.of(stage); }
      };
    }
  }

  private static int postThroughStalledBackends(boolean detach) throws Exception {
    MockResponse stall = new MockResponse.Builder().headersDelay(5, java.util.concurrent.TimeUnit.SECONDS).body("late").build();
    try (MockWebServer a = server(r -> stall);
        MockWebServer b = server(r -> stall)) {
      MeshClient.Builder builder = TestMeshes.builder();
      if (detach) {
        builder.module(new DetachModule());
      }
      try (MeshClient mesh =
          builder
              .property("mesh.services.orders.endpoints", endpoints(a, b))
              .property("mesh.services.orders.retry.max-attempts", "3")
              .property("mesh.services.orders.per-try-timeout", "200ms")
              .property("mesh.services.orders.retry.on", "connect-failure,reset,timeout,503")
              .build()) {
        OkHttpClient http = mesh.wrap(new OkHttpClient());
        Request post = new Request.Builder().url("http://orders/orders")
            .post(RequestBody.create("order", MediaType.get("text/plain"))).build();
        assertThatThrownBy(() -> http.newCall(post).execute().close()).isInstanceOf(IOException.class);
        // attempts are sequential: when the call has failed, every attempt it made was sent
        return a.getRequestCount() + b.getRequestCount();
      }
    }
  }

  @Test
  void aPostThatTimedOutAfterItWasSentIsNotRetried() throws Exception {
    assertThat(postThroughStalledBackends(false)).isEqualTo(1);
  }

  @Test
  void aPostThatTimedOutAfterItWasSentIsNotRetriedBehindAStageRunningDetachedAttempts() throws Exception {
    assertThat(postThroughStalledBackends(true)).isEqualTo(1);
  }
}
