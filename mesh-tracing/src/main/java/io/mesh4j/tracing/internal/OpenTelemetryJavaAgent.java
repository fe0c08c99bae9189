package io.mesh4j.tracing.internal;

import java.util.Locale;

/**
 * Whether the OpenTelemetry Java agent runs in this JVM with its OkHttp instrumentation on. Its
 * CLIENT spans and metrics come from a network interceptor it adds to every OkHttpClient, so
 * mesh4j's own would be a second CLIENT span around each of them.
 */
final class OpenTelemetryJavaAgent {

  /** On the bootstrap class path only when the agent is attached (-javaagent). */
  private static final String AGENT_BOOTSTRAP_CLASS = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

  private OpenTelemetryJavaAgent() {}

  /** The agent is attached and neither of its settings turns its OkHttp instrumentation off. */
  static boolean instrumentsOkHttp() {
    if (!attached()) {
      return false;
    }
    // The agent's own settings, read where it reads them: system properties, then the environment.
    String okhttp = agentSetting("otel.instrumentation.okhttp.enabled");
    if (okhttp != null) {
      return Boolean.parseBoolean(okhttp.trim());
    }
    String byDefault = agentSetting("otel.instrumentation.common.default-enabled");
    return byDefault == null || Boolean.parseBoolean(byDefault.trim());
  }

  static boolean attached() {
    try {
      // the bootstrap loader (null) only: a copy of the agent jar on the class path is not the agent
      Class.forName(AGENT_BOOTSTRAP_CLASS, false, null);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static String agentSetting(String property) {
    String value = System.getProperty(property);
    if (value != null) {
      return value;
    }
    return System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
  }
}
