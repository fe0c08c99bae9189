package io.mesh4j.tracing;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.event.CircuitRejected;
import io.mesh4j.event.CircuitState;
import io.mesh4j.pipeline.MeshChain;
import io.mesh4j.pipeline.MeshStage;
import io.mesh4j.pipeline.StageOrder;
import io.mesh4j.spi.MeshContext;
import io.mesh4j.spi.MeshExtension;
import io.mesh4j.spi.MeshModule;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A circuit breaker's rejection reaches tracing as a {@link CircuitRejected} event, published on
 * the request's thread at the circuit breaker's order, as mesh-resilience does.
 */
class CircuitRejectionSpanTest {

  private final TelemetryFixture telemetry = new TelemetryFixture();
  private final AtomicReference<String> currentSpanAtTheBreaker = new AtomicReference<>();

  @AfterEach
  void stop() {
    telemetry.close();
  }

  static final class CircuitOpenException extends IOException {
    CircuitOpenException() {
      super("circuit open");
    }
  }

  /** A circuit breaker that is always open for the given state. */
  private final class RejectingModule implements MeshModule {
    private final CircuitState state;

    RejectingModule(CircuitState state) {
      this.state = state;
    }

    @Override
    public String name() {
      return "always-open";
    }

    @Override
    public String artifactId() {
      return "mesh-test-always-open";
    }

    @Override
    public MeshExtension create(MeshContext context) {
      MeshStage breaker =
          new MeshStage() {
            @Override
            public Kind kind() {
              return Kind.CALL;
            }

            @Override
            public int order() {
              return StageOrder.CALL_CIRCUIT_BREAKER;
            }

            @Override
            public String name() {
              return "always-open";
            }

            @Override
            public Response intercept(MeshChain chain) throws IOException {
              currentSpanAtTheBreaker.set(Span.current().getSpanContext().getSpanId());
              context.events().publish(new CircuitRejected(chain.call().service(), state));
              throw new CircuitOpenException();
            }
          };
      return new MeshExtension() {
        @Override
        public List<MeshStage> stages() {
          return List.of(breaker);
        }
      };
    }
  }

  private static void get(MeshClient mesh) throws IOException {
    mesh.wrap(new OkHttpClient()).newCall(new Request.Builder().url("http://orders/").build()).execute().close();
  }

  @Test
  void aRejectedRequestsLogicalSpanCarriesTheCircuitStateAndTheRejectionIsCounted() {
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:1").module(new RejectingModule(CircuitState.OPEN)).build()) {
      assertThatThrownBy(() -> get(mesh)).isInstanceOf(CircuitOpenException.class);

      assertThat(telemetry.metric("mesh.circuit_breaker.rejections"))
          .hasLongSumSatisfying(
              s -> s.hasPointsSatisfying(p -> p.hasValue(1).hasAttributes(Attributes.of(MeshAttributes.SERVICE, "orders"))));
    }

    SpanData logical = telemetry.onlySpanOfKind(SpanKind.INTERNAL);
    assertThat(currentSpanAtTheBreaker.get()).as("the call span is current at the breaker").isEqualTo(logical.getSpanId());
    assertThat(logical)
        .hasAttribute(MeshAttributes.CIRCUIT_STATE, "open")
        .hasAttribute(io.mesh4j.tracing.internal.HttpSemconv.ERROR_TYPE, CircuitOpenException.class.getName());
    assertThat(telemetry.spansOfKind(SpanKind.CLIENT)).isEmpty();
  }

  @Test
  void aSaturatedHalfOpenCircuitIsNamedOnTheSpanAlsoWithMetricsOff() {
    try (MeshClient mesh =
        telemetry
            .mesh("127.0.0.1:1")
            .property("mesh.tracing.metrics.enabled", "false")
            .module(new RejectingModule(CircuitState.HALF_OPEN))
            .build()) {
      assertThatThrownBy(() -> get(mesh)).isInstanceOf(CircuitOpenException.class);
    }

    assertThat(telemetry.onlySpanOfKind(SpanKind.INTERNAL)).hasAttribute(MeshAttributes.CIRCUIT_STATE, "half_open");
  }

  @Test
  void aRejectionPublishedOutsideARequestLeavesTheCurrentSpanAlone() {
    try (MeshClient mesh = telemetry.mesh("127.0.0.1:1").build()) {
      Span caller = telemetry.sdk.getTracer("test").spanBuilder("caller").startSpan();
      try (Scope scope = caller.makeCurrent()) {
        mesh.events().publish(new CircuitRejected("orders", CircuitState.OPEN));
      } finally {
        caller.end();
      }
    }

    SpanData caller = telemetry.onlySpanOfKind(SpanKind.INTERNAL);
    assertThat(caller).hasName("caller");
    assertThat(caller.getAttributes().get(MeshAttributes.CIRCUIT_STATE)).isNull();
  }
}
