package io.mesh4j.config;

import io.mesh4j.internal.runtime.Plugins;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The dry-run check of a properties file, for CI pipelines: validates it exactly as {@code
 * MeshClient} startup does (with the modules on the classpath, environment variables and system
 * properties) and prints every problem, or, given the file a client runs on now, what a reload
 * would change. Exit code 0 when valid, 1 when not, 2 for a usage error.
 *
 * <pre>
 * java -cp "app.jar:libs/*" io.mesh4j.config.Check [--no-env] mesh.properties [running.properties]
 * </pre>
 *
 * {@code --no-env} ignores {@code MESH_*} variables and {@code mesh.*} system properties, to check
 * the file alone.
 */
public final class Check {

  private Check() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err, System.getenv(), System.getProperties(),
        Thread.currentThread().getContextClassLoader());
    System.exit(status);
  }

  /** The command, with its streams and environment passed in (for tests). */
  public static int run(
      String[] args, PrintStream out, PrintStream err, Map<String, String> env, Properties sysprops, ClassLoader loader) {
    List<String> files = new ArrayList<>();
    boolean useEnv = true;
    for (String a : args) {
      if (a.equals("--no-env")) {
        useEnv = false;
      } else if (a.startsWith("-")) {
        return usage(err, "unknown option " + a);
      } else {
        files.add(a);
      }
    }
    if (files.isEmpty() || files.size() > 2) {
      return usage(err, files.isEmpty() ? "no file given" : "too many files");
    }
    Plugins plugins = Plugins.load(loader, List.of(), List.of(), List.of());
    Map<String, String> environment = useEnv ? env : Map.of();
    Properties properties = useEnv ? sysprops : new Properties();
    MeshConfig candidate;
    try {
      candidate = load(plugins, Path.of(files.get(0)), environment, properties);
    } catch (MeshConfigException e) {
      err.println(files.get(0) + ": " + e.getMessage());
      return 1;
    }
    out.println(files.get(0) + ": valid (" + candidate.services().size() + " services"
        + (candidate.services().isEmpty() ? "" : ": " + String.join(", ", candidate.services().keySet())) + ")");
    if (files.size() == 2) {
      MeshConfig running;
      try {
        running = load(plugins, Path.of(files.get(1)), environment, properties);
      } catch (MeshConfigException e) {
        err.println(files.get(1) + " (running): " + e.getMessage());
        return 1;
      }
      out.println("changes from " + files.get(1) + ":");
      for (String line : ConfigDiff.between(running, candidate, plugins.schema()).describe()) {
        out.println("  " + line);
      }
    }
    return 0;
  }

  private static MeshConfig load(Plugins plugins, Path file, Map<String, String> env, Properties sysprops) {
    if (!Files.isRegularFile(file)) {
      throw new MeshConfigException(List.of(new ConfigProblem(null, null, file.toString(), "no such file")));
    }
    MeshConfigLoader.Builder b =
        MeshConfigLoader.builder().schema(plugins.schema()).environment(env).systemProperties(sysprops)
            .source(PropertySource.fromFile(file));
    plugins.validators().forEach(b::validator);
    return b.load();
  }

  private static int usage(PrintStream err, String problem) {
    err.println("mesh4j config check: " + problem);
    err.println("usage: java -cp <classpath> io.mesh4j.config.Check [--no-env] <file> [<running-file>]");
    err.println("  validates <file> as MeshClient startup would; with <running-file>, prints what a reload would change");
    return 2;
  }
}
