package io.mesh4j.tracing.internal;

import io.mesh4j.config.ConfigProblem;
import io.mesh4j.config.MeshConfig;
import io.mesh4j.tracing.TracingKeys;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.ArrayList;
import java.util.List;

/**
 * Which propagator writes the context headers of mesh attempts: the OpenTelemetry instance's,
 * unless {@code mesh.tracing.propagators} names others.
 */
public final class PropagatorSelection {

  static final String B3_ARTIFACT = "io.opentelemetry:opentelemetry-extension-trace-propagators";
  private static final String B3_CLASS = "io.opentelemetry.extension.trace.propagation.B3Propagator";

  private PropagatorSelection() {}

  /** Adds a problem when b3 is configured but its optional artifact is not on the classpath. */
  public static void validate(MeshConfig config, List<ConfigProblem> problems) {
    List<String> names = config.get(TracingKeys.PROPAGATORS);
    if (names == null) {
      return;
    }
    for (String name : names) {
      if (isB3(name) && !b3Available()) {
        problems.add(
            new ConfigProblem(
                TracingKeys.PROPAGATORS.name(),
                String.join(",", names),
                null,
                "propagator '" + name + "' requires " + B3_ARTIFACT + " on the classpath"));
      }
    }
  }

  static TextMapPropagator select(MeshConfig config, ContextPropagators configured) {
    List<String> names = config.get(TracingKeys.PROPAGATORS);
    if (names == null) {
      return configured.getTextMapPropagator();
    }
    List<TextMapPropagator> selected = new ArrayList<>();
    for (String name : names) {
      selected.add(byName(name));
    }
    return TextMapPropagator.composite(selected);
  }

  private static TextMapPropagator byName(String name) {
    switch (name) {
      case "tracecontext":
        return W3CTraceContextPropagator.getInstance();
      case "baggage":
        return W3CBaggagePropagator.getInstance();
      case "b3":
        return B3Propagators.singleHeader();
      case "b3multi":
        return B3Propagators.multiHeader();
      default:
        throw new IllegalArgumentException("unknown propagator " + name); // the key's parser rejects it first
    }
  }

  private static boolean isB3(String name) {
    return name.equals("b3") || name.equals("b3multi");
  }

  private static boolean b3Available() {
    try {
      Class.forName(B3_CLASS, false, PropagatorSelection.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
