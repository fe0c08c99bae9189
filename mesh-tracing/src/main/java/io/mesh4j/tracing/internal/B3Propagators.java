package io.mesh4j.tracing.internal;

import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;

/**
 * The B3 propagators of the optional opentelemetry-extension-trace-propagators artifact, in a
 * class of their own so that nothing loads them unless b3 is configured (validation checked the
 * artifact is there).
 */
final class B3Propagators {

  private B3Propagators() {}

  static TextMapPropagator singleHeader() {
    return B3Propagator.injectingSingleHeader();
  }

  static TextMapPropagator multiHeader() {
    return B3Propagator.injectingMultiHeaders();
  }
}
