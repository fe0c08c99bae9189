package io.mesh4j.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.MeshClient;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogCorrelationTest {

  private final TelemetryFixture telemetry = new TelemetryFixture();
  private final MockWebServer backend = new MockWebServer();
  private final Map<String, String> seenByCallStage = new ConcurrentHashMap<>();
  private final Map<String, String> seenByAttemptStage = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    backend.start(InetAddress.getByName("127.0.0.1"), 0);
    backend.enqueue(new MockResponse.Builder().build());
  }

  @AfterEach
  void stop() {
    backend.close();
    telemetry.close();
    MDC.clear();
  }

  /** Records the MDC as code the mesh runs on behalf of the request (a later stage, a logger) sees it. */
  private final class MdcProbe implements MeshModule {
    @Override
    public String name() {
      return "mdc-probe";
    }

    @Override
    public String artifactId() {
      return "mesh-test-mdc-probe";
    }

    @Override
    public MeshExtension create(MeshContext context) {
      return new MeshExtension() {
        @Override
        public List<MeshStage> stages() {
          return List.of(probe(MeshStage.Kind.CALL, seenByCallStage), probe(MeshStage.Kind.ATTEMPT, seenByAttemptStage));
        }
      };
    }

    private MeshStage probe(MeshStage.Kind kind, Map<String, String> into) {
      return new MeshStage() {
        @Override
        public Kind kind() {
          return kind;
        }

        @Override
        public int order() {
          return 500;
        }

        @Override
        public Response intercept(MeshChain chain) throws IOException {
          Map<String, String> mdc = MDC.getCopyOfContextMap();
          into.putAll(mdc == null ? new HashMap<>() : mdc);
          return chain.proceed(chain.request());
        }
      };
    }
  }

  @Test
  void mdcHoldsTheTraceWhileTheMeshWorksAndIsRestoredAfter() throws IOException {
    MDC.put(MdcKeys.TRACE_ID, "caller-trace");
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:" + backend.getPort()).module(new MdcProbe()).build()) {
      mesh.wrap(new OkHttpClient()).newCall(new Request.Builder().url("http://orders/").build()).execute().close();
    }

    SpanData logical = telemetry.onlySpanOfKind(SpanKind.INTERNAL);
    SpanData attempt = telemetry.onlySpanOfKind(SpanKind.CLIENT);
    assertThat(seenByCallStage)
        .containsEntry(MdcKeys.TRACE_ID, logical.getTraceId())
        .containsEntry(MdcKeys.SPAN_ID, logical.getSpanId())
        .containsEntry(MdcKeys.TRACE_FLAGS, logical.getSpanContext().getTraceFlags().asHex());
    assertThat(seenByAttemptStage)
        .containsEntry(MdcKeys.TRACE_ID, attempt.getTraceId())
        .containsEntry(MdcKeys.SPAN_ID, attempt.getSpanId());
    assertThat(MDC.get(MdcKeys.TRACE_ID)).isEqualTo("caller-trace");
    assertThat(MDC.get(MdcKeys.SPAN_ID)).isNull();
    assertThat(MDC.get(MdcKeys.TRACE_FLAGS)).isNull();
  }
}
