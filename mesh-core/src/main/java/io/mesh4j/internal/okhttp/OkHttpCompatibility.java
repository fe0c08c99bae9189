package io.mesh4j.internal.okhttp;

import io.mesh4j.IncompatibleOkHttpException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, once, that the {@code okhttp3} classes mesh4j links against are OkHttp 5.4 or later, so
 * that an older OkHttp fails the creation of a MeshClient with a message naming the jar at fault
 * and the fix, rather than the first request with a {@code NoSuchMethodError}.
 *
 * <p>It looks for the members mesh4j calls that older versions lack (so any later 5.x passes),
 * reads the version only to say which one was found, and looks for a second copy of {@code
 * okhttp3} (okhttp 4.x and okhttp-jvm 5.x have different artifactIds, so Maven reports no
 * conflict): whichever comes first on the class path wins.
 */
public final class OkHttpCompatibility {

  private static final Logger log = LoggerFactory.getLogger(OkHttpCompatibility.class);

  static final String CLIENT_RESOURCE = "okhttp3/OkHttpClient.class";

  /** Per-call overrides of Interceptor.Chain that mesh4j (core and mesh-tls) calls: OkHttp 5.4+. */
  static final List<RequiredMethod> REQUIRED = List.of(
      new RequiredMethod("okhttp3.Interceptor$Chain", "getDns"),
      new RequiredMethod("okhttp3.Interceptor$Chain", "withDns", "okhttp3.Dns"),
      new RequiredMethod("okhttp3.Interceptor$Chain", "withRetryOnConnectionFailure", "boolean"),
      new RequiredMethod("okhttp3.Interceptor$Chain", "withConnectionPool", "okhttp3.ConnectionPool"),
      new RequiredMethod("okhttp3.Interceptor$Chain", "withSslSocketFactory",
          "javax.net.ssl.SSLSocketFactory", "javax.net.ssl.X509TrustManager"));

  /** Set once mesh4j's own class loader (a static per loader) passed: later checks cost a read. */
  private static volatile boolean passed;
  private static volatile boolean copiesChecked;

  private OkHttpCompatibility() {}

  /** A method mesh4j calls, by class and parameter type names. */
  record RequiredMethod(String owner, String name, String... parameterTypes) {

    @Override
    public String toString() {
      String shortOwner = owner.substring(owner.lastIndexOf('.') + 1).replace('$', '.');
      List<String> params = new ArrayList<>();
      for (String p : parameterTypes) {
        params.add(p.substring(p.lastIndexOf('.') + 1));
      }
      return shortOwner + "." + name + "(" + String.join(", ", params) + ")";
    }
  }

  /**
   * What the class path holds.
   *
   * @param loadedFrom where okhttp3.OkHttpClient was loaded from; null when it is not there
   * @param version OkHttp's version as it says, or null when it does not say
   * @param copies every class path entry holding okhttp3/OkHttpClient.class, in search order
   * @param missing the required methods it lacks
   */
  record Findings(String loadedFrom, String version, List<String> copies, List<RequiredMethod> missing) {

    boolean present() {
      return loadedFrom != null;
    }
  }

  /**
   * Fails when mesh4j's okhttp3 classes are not OkHttp 5.4+. The usual case (one OkHttp 5) loads a
   * few OkHttp classes and looks their methods up once; the class path is scanned for other copies
   * only to explain a failure ({@link #warnAboutSecondCopy} does it off the startup path otherwise:
   * on a large class path the scan opens every jar, tens of ms in a cold JVM).
   *
   * @throws IncompatibleOkHttpException naming the jar, the version found and the fix
   */
  public static void require() {
    if (passed) {
      return;
    }
    ClassLoader loader = OkHttpCompatibility.class.getClassLoader();
    if (client(loader) != null && missing(loader).isEmpty()) {
      passed = true;
      return;
    }
    Findings f = inspect(loader);
    Optional<String> problem = problem(f);
    if (problem.isPresent()) {
      throw new IncompatibleOkHttpException(problem.get());
    }
    passed = true;
  }

  /**
   * Logs a warning, once per class loader of mesh4j, when OkHttp 5 is loaded but an older copy of
   * okhttp3 is also on the class path (another class path order would break the mesh). Meant for a
   * background thread.
   */
  public static void warnAboutSecondCopy() {
    if (copiesChecked) {
      return;
    }
    copiesChecked = true;
    ClassLoader loader = OkHttpCompatibility.class.getClassLoader();
    if (copyUrls(loader).size() > 1) {
      warning(inspect(loader)).ifPresent(log::warn);
    }
  }

  /** Everything about what {@code loader} resolves okhttp3 to, for a message. */
  static Findings inspect(ClassLoader loader) {
    Class<?> client = client(loader);
    List<String> copies = new ArrayList<>();
    for (URL url : copyUrls(loader)) {
      copies.add(entryOf(url));
    }
    if (client == null) {
      return new Findings(null, null, List.copyOf(copies), List.of());
    }
    return new Findings(location(client), version(loader), List.copyOf(copies), missing(loader));
  }

  private static Class<?> client(ClassLoader loader) {
    try {
      return Class.forName("okhttp3.OkHttpClient", false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static List<RequiredMethod> missing(ClassLoader loader) {
    List<RequiredMethod> missing = new ArrayList<>();
    for (RequiredMethod m : REQUIRED) {
      if (!exists(m, loader)) {
        missing.add(m);
      }
    }
    return List.copyOf(missing);
  }

  private static boolean exists(RequiredMethod m, ClassLoader loader) {
    try {
      Class<?>[] types = new Class<?>[m.parameterTypes().length];
      for (int i = 0; i < types.length; i++) {
        String t = m.parameterTypes()[i];
        types[i] = t.equals("boolean") ? boolean.class : Class.forName(t, false, loader);
      }
      Method found = Class.forName(m.owner(), false, loader).getMethod(m.name(), types);
      return found != null;
    } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
      return false;
    }
  }

  /** {@code okhttp3.OkHttp.VERSION} (4.x, 5.x), else the user agent of 3.x's internal Version. */
  private static String version(ClassLoader loader) {
    try {
      return (String) Class.forName("okhttp3.OkHttp", true, loader).getField("VERSION").get(null);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // 3.x: no such class
    }
    try {
      Object agent = Class.forName("okhttp3.internal.Version", true, loader).getMethod("userAgent").invoke(null);
      String s = String.valueOf(agent);
      return s.startsWith("okhttp/") ? s.substring("okhttp/".length()) : s;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }

  /** Every class path entry's okhttp3/OkHttpClient.class, in search order. */
  private static List<URL> copyUrls(ClassLoader loader) {
    try {
      return Collections.list(loader.getResources(CLIENT_RESOURCE));
    } catch (IOException | RuntimeException e) {
      log.debug("could not list the copies of {} on the class path", CLIENT_RESOURCE, e);
      return List.of();
    }
  }

  private static String location(Class<?> client) {
    CodeSource source = client.getProtectionDomain().getCodeSource();
    if (source != null && source.getLocation() != null) {
      return display(source.getLocation().toString());
    }
    URL resource = client.getClassLoader() == null ? null : client.getClassLoader().getResource(CLIENT_RESOURCE);
    return resource != null ? entryOf(resource) : "an unknown location (" + client.getClassLoader() + ")";
  }

  /** The class path entry (jar or directory) of a resource URL. */
  static String entryOf(URL resource) {
    String s = resource.toString();
    if (s.endsWith(CLIENT_RESOURCE)) {
      s = s.substring(0, s.length() - CLIENT_RESOURCE.length());
    }
    if (s.startsWith("jar:") && s.endsWith("!/")) {
      s = s.substring("jar:".length(), s.length() - "!/".length());
    }
    return display(s);
  }

  /** A file path for a plain file URL (what a reader looks for), the URL itself otherwise. */
  private static String display(String url) {
    if (url.startsWith("file:") && !url.contains("!")) {
      try {
        return Path.of(new java.net.URI(url)).toString();
      } catch (java.net.URISyntaxException | RuntimeException e) {
        return url;
      }
    }
    return url;
  }

  private static final String FIX =
      "Fix: import com.squareup.okhttp3:okhttp-bom 5.x (5.4 or later) in <dependencyManagement>,"
          + " depend on com.squareup.okhttp3:okhttp-jvm (with plain Maven the okhttp 5 artifact holds"
          + " no classes), and exclude com.squareup.okhttp3:okhttp 3.x/4.x from the dependency that"
          + " brings it (Retrofit 2 brings okhttp 3.14.9): `mvn dependency:tree"
          + " -Dincludes=com.squareup.okhttp3` shows which one does.";

  /** The failure message when mesh4j cannot run on these classes; empty when it can. */
  static Optional<String> problem(Findings f) {
    if (!f.present()) {
      return Optional.of("mesh4j needs OkHttp 5 (5.4 or later), but no okhttp3.OkHttpClient is on the"
          + " class path. " + FIX);
    }
    if (f.missing().isEmpty()) {
      return Optional.empty();
    }
    StringBuilder m = new StringBuilder("mesh4j needs OkHttp 5 (5.4 or later), but okhttp3.OkHttpClient was")
        .append(" loaded from ").append(f.loadedFrom())
        .append(" (").append(f.version() != null ? "OkHttp " + f.version() : "version unknown: no okhttp3.OkHttp.VERSION")
        .append("), which lacks ").append(joined(f.missing())).append('.');
    List<String> others = others(f);
    if (!others.isEmpty()) {
      m.append(" Another copy of okhttp3 is on the class path but comes later: ")
          .append(String.join(", ", others))
          .append("; the first one wins.");
    }
    return Optional.of(m.append(' ').append(FIX).toString());
  }

  /** A warning when mesh4j can run but a second okhttp3 copy makes that depend on class path order. */
  static Optional<String> warning(Findings f) {
    List<String> others = others(f);
    if (!f.present() || others.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("two copies of okhttp3 are on the class path: " + f.loadedFrom() + " (in use, OkHttp "
        + (f.version() != null ? f.version() : "of unknown version") + ") and " + String.join(", ", others)
        + "; another class path order would load the other one. Exclude com.squareup.okhttp3:okhttp 3.x/4.x"
        + " (`mvn dependency:tree -Dincludes=com.squareup.okhttp3` shows what brings it).");
  }

  private static List<String> others(Findings f) {
    List<String> others = new ArrayList<>();
    for (String c : f.copies()) {
      if (!c.equals(f.loadedFrom()) && !others.contains(c)) {
        others.add(c);
      }
    }
    return others;
  }

  private static String joined(List<RequiredMethod> methods) {
    List<String> names = new ArrayList<>();
    methods.forEach(m -> names.add(m.toString()));
    return String.join(", ", names);
  }
}
