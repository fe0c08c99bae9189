package io.mesh4j.tls.internal;

import java.nio.file.Path;

/**
 * Where the dev CA lives when {@code mesh.tls.dev-ca.dir} is not set: {@code ~/.mesh4j/dev-ca}, the
 * same directory for every process of the user on the host whatever its working directory, so they
 * all trust each other.
 *
 * <p>Why the home directory and not the temp directory: it belongs to the user alone (a directory
 * in a world-writable {@code /tmp} can be created first by someone else), it survives reboots and
 * temp cleaners (a CA deleted under running processes splits the host into two trust domains
 * that cannot call each other), and {@code java.io.tmpdir} differs between JVMs more often
 * ({@code TMPDIR} on macOS is per session). When the JVM knows no home directory ({@code user.home}
 * unset or {@code ?}, as for a container user without a passwd entry) the CA goes to {@code
 * ${java.io.tmpdir}/mesh4j-dev-ca-${user.name}}: still one per user and host.
 */
public final class DevCaLocation {

  private DevCaLocation() {}

  /** The default directory for this JVM's user. */
  public static Path defaultDir() {
    return defaultDir(System.getProperty("user.home"), System.getProperty("java.io.tmpdir"),
        System.getProperty("user.name"));
  }

  static Path defaultDir(String userHome, String tmpDir, String userName) {
    if (userHome != null && !userHome.isBlank() && !userHome.equals("?") && Path.of(userHome).isAbsolute()) {
      return Path.of(userHome, ".mesh4j", "dev-ca");
    }
    String user = userName == null || userName.isBlank() ? "unknown" : userName.replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(tmpDir == null ? "/tmp" : tmpDir, "mesh4j-dev-ca-" + user).toAbsolutePath();
  }
}
