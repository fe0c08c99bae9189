package io.mesh4j.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.MeshClient;
import io.mesh4j.testing.LogCapture;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tracing against an OpenTelemetry with no SDK says so once, at INFO, when the client starts. */
class NoopTelemetryNoticeTest {

  private static final String LOGGER = "io.mesh4j.tracing";

  @BeforeEach
  @AfterEach
  void noGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  private static MeshClient.Builder mesh() {
    return MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.services.orders.endpoints", "127.0.0.1:1");
  }

  private static List<String> notices(LogCapture log) {
    return log.lines("INFO", LOGGER).stream().filter(l -> l.contains("has no SDK")).toList();
  }

  @Test
  void theClasspathModuleWithNoGlobalSdkSaysOnceThatSpansAndMetricsAreDroppedAndHowToHookOne()
      throws Exception {
    try (LogCapture log = new LogCapture()) {
      try (MeshClient mesh = mesh().build()) {
        mesh.wrap(new okhttp3.OkHttpClient());
      }
      assertThat(notices(log))
          .singleElement()
          .asString()
          .contains("GlobalOpenTelemetry")
          .contains("spans and metrics of mesh requests are dropped")
          .contains("buildAndRegisterGlobal()")
          .contains("MeshTracing.module(openTelemetry)")
          .contains("mesh.tracing.enabled=false");
    }
  }

  @Test
  void eachMeshClientSaysItOnce() {
    try (LogCapture log = new LogCapture()) {
      try (MeshClient first = mesh().build();
          MeshClient second = mesh().build()) {
        assertThat(notices(log)).hasSize(2);
      }
    }
  }

  @Test
  void anExplicitNoopInstanceIsNamedAsSuch() {
    try (LogCapture log = new LogCapture();
        MeshClient mesh = mesh().module(MeshTracing.module(OpenTelemetry.noop())).build()) {
      assertThat(notices(log)).singleElement().asString().contains("MeshTracing.module(...)");
    }
  }

  @Test
  void anInstanceWithTracesButNoMetricsSaysMetricsAreDropped() {
    try (SdkTracerProvider tracer = SdkTracerProvider.builder().build()) {
      // an OpenTelemetry whose meter provider is the interface's default: the no-op one
      OpenTelemetry tracesOnly =
          new OpenTelemetry() {
            @Override
            public TracerProvider getTracerProvider() {
              return tracer;
            }

            @Override
            public ContextPropagators getPropagators() {
              return ContextPropagators.noop();
            }
          };
      try (LogCapture log = new LogCapture();
          MeshClient mesh = mesh().module(MeshTracing.module(tracesOnly)).build()) {
        assertThat(notices(log)).singleElement().asString().contains("the metrics of mesh requests are dropped");
      }
    }
  }

  @Test
  void aFullSdkOrTracingOffSaysNothing() {
    try (TelemetryFixture telemetry = new TelemetryFixture();
        LogCapture log = new LogCapture()) {
      try (MeshClient withSdk = mesh().module(MeshTracing.module(telemetry.sdk)).build();
          MeshClient off = mesh().property("mesh.tracing.enabled", "false").build()) {
        assertThat(notices(log)).isEmpty();
      }
    }
  }
}
