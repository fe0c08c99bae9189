package io.mesh4j.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Raw configuration entries in the order they were written, each with where it came from, before
 * any key is checked or value parsed ({@link MeshConfigLoader} does that). Immutable.
 *
 * <p>Files use the {@code .properties} syntax with inline comments: see {@link #fromFile(Path)}.
 */
public final class PropertySource {

  /**
   * One {@code key=value} as written.
   *
   * @param location where, such as {@code mesh.properties:12} or {@code builder}
   */
  public record Entry(String key, String value, String location) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(location, "location");
    }
  }

  private final String origin;
  private final List<Entry> entries;
  private final List<ConfigProblem> problems;

  private PropertySource(String origin, List<Entry> entries, List<ConfigProblem> problems) {
    this.origin = origin;
    this.entries = List.copyOf(entries);
    this.problems = List.copyOf(problems);
  }

  /**
   * Reads a properties file (UTF-8, or ISO-8859-1 when it is not valid UTF-8, as {@link
   * java.util.PropertyResourceBundle} does). Locations are {@code <file name>:<line>}.
   *
   * <p>The format is {@link java.util.Properties}' with two differences: a {@code #} after a space
   * or tab starts a comment that runs to the end of the line ({@code mesh.service=frontend   # this
   * workload}; write {@code \#} for a literal one), and trailing whitespace of a value is dropped. A
   * key set twice in one file is reported by {@link MeshConfigLoader#load()} with both lines.
   *
   * @throws MeshConfigException when the file is missing or unreadable, naming its path
   */
  public static PropertySource fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException | UncheckedIOException e) {
      throw unreadable(file.toAbsolutePath().toString(), e);
    }
    Path name = file.getFileName();
    return parse(decode(bytes), name != null ? name.toString() : file.toString());
  }

  /**
   * Reads a properties resource, such as {@code mesh.properties}, from a class loader. Locations are
   * {@code classpath:<resource>:<line>}.
   *
   * @throws MeshConfigException when there is no such resource or it cannot be read
   */
  public static PropertySource fromClasspath(ClassLoader loader, String resource) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(resource, "resource");
    String origin = "classpath:" + resource;
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new MeshConfigException(List.of(
            new ConfigProblem(null, null, origin, "no such resource on the classpath")));
      }
      return parse(decode(in.readAllBytes()), origin);
    } catch (IOException e) {
      throw unreadable(origin, e);
    }
  }

  /**
   * Entries given in code, in the map's iteration order, all located at {@code origin} (such as
   * {@code builder}).
   */
  public static PropertySource fromMap(Map<String, String> values, String origin) {
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(origin, "origin");
    List<Entry> entries = new ArrayList<>();
    values.forEach((k, v) -> entries.add(new Entry(k, v, origin)));
    return new PropertySource(origin, entries, List.of());
  }

  /** Parses properties text; locations are {@code <origin>:<line>}. For tests and callers with text. */
  static PropertySource parse(String text, String origin) {
    PropertiesFormat.Result result = PropertiesFormat.parse(text, origin);
    return new PropertySource(origin, result.entries(), result.problems());
  }

  /** Where the entries came from: a file name, {@code classpath:<resource>}, or a map's origin. */
  public String origin() {
    return origin;
  }

  /** The entries in the order written; a key appears at most once. */
  public List<Entry> entries() {
    return entries;
  }

  /** Syntax problems (a duplicate key, a bad escape), reported together with all others on load. */
  List<ConfigProblem> problems() {
    return problems;
  }

  @Override
  public String toString() {
    return "PropertySource{" + origin + ", " + entries.size() + " entries}";
  }

  private static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  private static MeshConfigException unreadable(String where, Exception e) {
    String why = e instanceof NoSuchFileException ? "no such file" : "cannot read: " + e;
    MeshConfigException failure =
        new MeshConfigException(List.of(new ConfigProblem(null, null, where, why)));
    failure.initCause(e);
    return failure;
  }
}
