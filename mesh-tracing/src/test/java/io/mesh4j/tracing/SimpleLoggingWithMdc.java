package io.mesh4j.tracing;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple keeps no MDC (its adapter is a no-op); this provider, selected with the {@code
 * slf4j.provider} system property in this module's surefire setup, adds slf4j's basic one so tests
 * can see what the mesh puts there, as logback or log4j2 would.
 */
public final class SimpleLoggingWithMdc extends SimpleServiceProvider {

  private final MDCAdapter mdc = new BasicMDCAdapter();

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }
}
