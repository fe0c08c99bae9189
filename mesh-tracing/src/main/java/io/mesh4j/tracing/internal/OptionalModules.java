package io.mesh4j.tracing.internal;

/**
 * Whether mesh-resilience and mesh-tls (optional dependencies) are on the classpath. Names the
 * classes as strings only: nothing here makes the JVM load a type of theirs, so the classes that
 * do ({@link ResilienceWiring}, {@link SvidWiring}, {@link CircuitRejection}) are only touched
 * after a check said yes.
 */
final class OptionalModules {

  static final boolean RESILIENCE = present("io.mesh4j.resilience.ResilienceExtension");
  static final boolean TLS = present("io.mesh4j.tls.MeshTlsExtension");

  private OptionalModules() {}

  private static boolean present(String className) {
    try {
      Class.forName(className, false, OptionalModules.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
