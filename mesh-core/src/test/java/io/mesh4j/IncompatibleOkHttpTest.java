package io.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A MeshClient created on a class path whose okhttp3 is OkHttp 4.12.0 (the real jar and its
 * runtime dependencies, copied to target/okhttp4 by the build): it fails at creation with {@link
 * IncompatibleOkHttpException}, not with a NoSuchMethodError on the first request. Each case runs
 * in a class loader of its own holding mesh-core's classes, slf4j and the OkHttp jars given, with
 * nothing of this test's class path above it.
 */
class IncompatibleOkHttpTest {

  private static final Path OKHTTP4_DIR = Path.of("target", "okhttp4");

  private static Path jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static Path okHttp4() {
    return OKHTTP4_DIR.resolve("okhttp-4.12.0.jar").toAbsolutePath();
  }

  /** okio and Kotlin's standard library as okhttp 4.12.0 resolves them. */
  private static List<Path> okHttp4Dependencies() throws Exception {
    try (var files = Files.list(OKHTTP4_DIR)) {
      return files.filter(p -> !p.getFileName().toString().startsWith("okhttp-"))
          .map(Path::toAbsolutePath).sorted().collect(Collectors.toList());
    }
  }

  /** okhttp-jvm 5 and its okio, as this module's tests run with. */
  private static List<Path> okHttp5() throws Exception {
    return List.of(jarOf(okhttp3.OkHttpClient.class), jarOf(okio.Buffer.class));
  }

  /** What the mesh needs besides OkHttp: its own classes, slf4j (and a provider, for quiet logs). */
  private static List<Path> mesh() throws Exception {
    return List.of(jarOf(MeshClient.class), jarOf(org.slf4j.Logger.class),
        jarOf(org.slf4j.simple.SimpleLogger.class));
  }

  private static Throwable createMeshClientWith(List<Path> classPath) throws Exception {
    URL[] urls = new URL[classPath.size()];
    for (int i = 0; i < urls.length; i++) {
      assertThat(classPath.get(i)).exists();
      urls[i] = classPath.get(i).toUri().toURL();
    }
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      thread.setContextClassLoader(loader);
      Class<?> client = Class.forName("io.mesh4j.MeshClient", true, loader);
      assertThat(client).isNotSameAs(MeshClient.class);
      Object builder = client.getMethod("builder").invoke(null);
      Class<?> b = builder.getClass();
      b.getMethod("service", String.class).invoke(builder, "frontend");
      b.getMethod("environment", Map.class).invoke(builder, Map.of());
      b.getMethod("systemProperties", Properties.class).invoke(builder, new Properties());
      b.getMethod("property", String.class, String.class)
          .invoke(builder, "mesh.services.orders.endpoints", "127.0.0.1:9");
      try {
        Object mesh = b.getMethod("build").invoke(builder);
        ((AutoCloseable) mesh).close();
        return null;
      } catch (InvocationTargetException e) {
        return e.getCause();
      }
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static Set<Thread> meshThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("mesh4j-"))
        .collect(Collectors.toSet());
  }

  private static List<Path> classPath(List<Path> first, List<Path> second, List<Path> third) {
    List<Path> all = new ArrayList<>(first);
    all.addAll(second);
    all.addAll(third);
    return all;
  }

  @Test
  void okHttp4FailsTheCreationNamingTheJarTheVersionAndTheFixAndStartsNothing() throws Exception {
    Set<Thread> before = meshThreads();

    Throwable failure = createMeshClientWith(classPath(mesh(), List.of(okHttp4()), okHttp4Dependencies()));

    assertThat(failure).isNotNull();
    assertThat(failure.getClass().getName()).isEqualTo(IncompatibleOkHttpException.class.getName());
    assertThat(failure.getMessage())
        .contains("needs OkHttp 5")
        .contains("loaded from " + okHttp4())
        .contains("OkHttp 4.12.0")
        .contains("withRetryOnConnectionFailure")
        .contains("okhttp-bom")
        .contains("okhttp-jvm")
        .contains("exclude com.squareup.okhttp3:okhttp 3.x/4.x");
    assertThat(meshThreads()).as("nothing started").isSubsetOf(before);
  }

  @Test
  void okHttp4BeforeOkHttp5FailsNamingBothJars() throws Exception {
    List<Path> old = new ArrayList<>(List.of(okHttp4()));
    old.addAll(okHttp4Dependencies());

    Throwable failure = createMeshClientWith(classPath(mesh(), old, okHttp5()));

    assertThat(failure).isNotNull();
    assertThat(failure.getClass().getName()).isEqualTo(IncompatibleOkHttpException.class.getName());
    assertThat(failure.getMessage())
        .contains("loaded from " + okHttp4())
        .contains("comes later: " + okHttp5().get(0));
  }

  @Test
  void okHttp5BeforeOkHttp4Starts() throws Exception {
    List<Path> old = new ArrayList<>(List.of(okHttp4()));
    old.addAll(okHttp4Dependencies());

    assertThat(createMeshClientWith(classPath(mesh(), okHttp5(), old))).isNull();
  }

  @Test
  void okHttp5AloneStartsInTheSameKindOfClassLoader() throws Exception {
    // the control: the isolated class loader itself is not what fails the cases above
    assertThat(createMeshClientWith(classPath(mesh(), okHttp5(), okHttp4Dependencies()))).isNull();
  }
}
