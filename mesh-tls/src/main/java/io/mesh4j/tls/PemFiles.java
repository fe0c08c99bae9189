package io.mesh4j.tls;

import io.mesh4j.tls.internal.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes SVIDs and bundles as PEM files for non-Java peers (openssl, nginx, curl, Envoy): the
 * chain leaf first, the key as unencrypted PKCS#8 with mode 0600.
 */
public final class PemFiles {

  private PemFiles() {}

  /** Writes the chain to {@code certFile} and the private key to {@code keyFile} (0600). */
  public static void writeSvid(X509Svid svid, Path certFile, Path keyFile) throws IOException {
    Files.writeString(certFile, Pem.write(svid.chain()), StandardCharsets.US_ASCII);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.deleteIfExists(keyFile);
      Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(keyFile, Pem.writePkcs8(svid.privateKey()), StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
  }

  /** Writes the bundle's authorities to {@code file}. */
  public static void writeBundle(TrustBundle bundle, Path file) throws IOException {
    Files.writeString(file, Pem.write(bundle.authorities()), StandardCharsets.US_ASCII);
  }
}
