package io.mesh4j.xds.internal.provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The mesh service name of a cluster a route sends to: a DNS label (the mesh's service names are),
 * stable across restarts and clients, readable in logs and metrics. Istio's cluster names
 * ({@code outbound|8080|v1|orders.default.svc.cluster.local}) become {@code xds-orders-8080-v1-<8 hex>};
 * any other name its lower-cased letters and digits. The hash of the whole name keeps two clusters
 * that read alike apart.
 */
final class DerivedServiceNames {

  private static final int MAX_LENGTH = 63;
  private static final String PREFIX = "xds-";

  private DerivedServiceNames() {}

  static String of(String cluster) {
    String hash = HexFormat.of().formatHex(sha256(cluster), 0, 4);
    String readable = label(readablePart(cluster));
    int room = MAX_LENGTH - PREFIX.length() - 1 - hash.length();
    if (readable.length() > room) {
      readable = trimDashes(readable.substring(0, room));
    }
    return PREFIX + (readable.isEmpty() ? "" : readable + "-") + hash;
  }

  /** Istio's outbound|port|subset|fqdn: host's first label, port, subset; else the name itself. */
  private static String readablePart(String cluster) {
    String[] parts = cluster.split("\\|", -1);
    if (parts.length == 4 && parts[0].equals("outbound")) {
      String host = parts[3];
      int dot = host.indexOf('.');
      String shortHost = dot > 0 ? host.substring(0, dot) : host;
      return shortHost + "-" + parts[1] + (parts[2].isEmpty() ? "" : "-" + parts[2]);
    }
    return cluster;
  }

  private static String label(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    boolean dash = false;
    for (char c : raw.toLowerCase(Locale.ROOT).toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out.append(c);
        dash = false;
      } else if (!dash && out.length() > 0) {
        out.append('-');
        dash = true;
      }
    }
    return trimDashes(out.toString());
  }

  private static String trimDashes(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '-') {
      end--;
    }
    return s.substring(0, end);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
