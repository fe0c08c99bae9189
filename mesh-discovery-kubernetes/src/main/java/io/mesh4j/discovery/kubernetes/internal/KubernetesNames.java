package io.mesh4j.discovery.kubernetes.internal;

import io.mesh4j.config.ValueParser;
import io.mesh4j.config.ValueParsers;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Parsers for the provider's keys, with Kubernetes' own naming rules, so that a typo fails at
 * startup with the rule it breaks rather than as a Service that never shows up.
 */
public final class KubernetesNames {

  /** DNS-1035 label: what Service names must be (a letter first). */
  private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

  /** DNS-1123 label: what namespace names and Service port names must be. */
  private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private KubernetesNames() {}

  /** True when {@code name} can name a Kubernetes Service. */
  public static boolean isServiceName(String name) {
    return DNS_1035.matcher(name).matches();
  }

  public static ValueParser<String> serviceName() {
    return ValueParsers.of(
        "a Kubernetes Service name (lower-case letters, digits and '-', a letter first, at most 63 characters)",
        s -> {
          String v = s.trim();
          if (!isServiceName(v)) {
            throw new IllegalArgumentException("'" + v + "' is not a valid Kubernetes Service name");
          }
          return v;
        });
  }

  public static ValueParser<String> namespace() {
    return ValueParsers.of(
        "a Kubernetes namespace name (lower-case letters, digits and '-', at most 63 characters)",
        s -> {
          String v = s.trim();
          if (!DNS_1123.matcher(v).matches()) {
            throw new IllegalArgumentException("'" + v + "' is not a valid Kubernetes namespace name");
          }
          return v;
        });
  }

  /**
   * A port name or number, kept as text ({@link PortSelector#parse} reads it again): a config
   * value must compare by value, and a String does.
   */
  public static ValueParser<String> port() {
    return ValueParsers.of(
        "the name of a port of the Service (such as http) or a port number from 1 to 65535",
        s -> {
          String v = s.trim();
          PortSelector.parse(v); // throws with the reason
          return v;
        });
  }

  /** An existing, readable kubeconfig file. */
  public static ValueParser<Path> kubeconfig() {
    return ValueParsers.of(
        "the path of a readable kubeconfig file",
        s -> {
          Path p;
          try {
            p = Path.of(s.trim());
          } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path: " + e.getMessage(), e);
          }
          if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no such file: " + p.toAbsolutePath());
          }
          if (!Files.isReadable(p)) {
            throw new IllegalArgumentException("file not readable: " + p.toAbsolutePath());
          }
          return p;
        });
  }
}
