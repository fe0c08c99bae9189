package io.mesh4j.tls.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * The embedded development CA, kept in a directory so the processes of one host share trust:
 * {@code ca.pem} (public) and {@code ca-key.pem} (PKCS#8, mode 0600), in a directory created
 * 0700. A key file group or others can read or write is refused with the fix ({@code chmod 600}).
 *
 * <p>First start is safe when several threads or processes race: creation happens under an
 * exclusive file lock on {@code .lock} (plus a JVM-wide monitor, since file locks are per
 * process), each file is written to a temp file and moved into place atomically, and whoever loses
 * the race reads what the winner wrote.
 */
public final class DevCa {

  public static final String CERT_FILE = "ca.pem";
  public static final String KEY_FILE = "ca-key.pem";
  static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** File locks do not exclude threads of the same JVM; this does. */
  private static final Object JVM_CREATE_LOCK = new Object();

  /**
   * The directory each dev CA certificate of this JVM was loaded from, so that a chain error
   * against it can say which directory is in use ({@link #describeAuthorities}). Weak keys: a CA
   * no bundle holds any more is forgotten.
   */
  private static final Map<X509Certificate, Path> LOADED_FROM = Collections.synchronizedMap(new WeakHashMap<>());

  private final Path dir;
  private final X509Certificate certificate;
  private final PrivateKey key;

  private DevCa(Path dir, X509Certificate certificate, PrivateKey key) {
    this.dir = dir;
    this.certificate = certificate;
    this.key = key;
  }

  /** Loads the CA in {@code dir}, creating it (and the directory) on first use. */
  public static DevCa loadOrCreate(Path dir, Instant now) {
    DevCa ca = loadOrCreateIn(dir.toAbsolutePath().normalize(), now);
    LOADED_FROM.put(ca.certificate, ca.dir);
    return ca;
  }

  /**
   * "the dev CA in /home/me/.mesh4j/dev-ca" when one of {@code authorities} is a dev CA this JVM
   * loaded; empty otherwise (a bundle from files or the Workload API).
   */
  public static Optional<String> describeAuthorities(List<X509Certificate> authorities) {
    for (X509Certificate a : authorities) {
      Path dir = LOADED_FROM.get(a);
      if (dir != null) {
        return Optional.of("the dev CA in " + dir);
      }
    }
    return Optional.empty();
  }

  private static DevCa loadOrCreateIn(Path dir, Instant now) {
    synchronized (JVM_CREATE_LOCK) {
      try {
        createPrivateDirectories(dir);
        try (FileChannel ch =
                FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock ignored = ch.lock()) {
          Path cert = dir.resolve(CERT_FILE);
          Path keyFile = dir.resolve(KEY_FILE);
          if (Files.exists(cert) && Files.exists(keyFile)) {
            return requireValid(load(dir), now);
          }
          KeyPair kp = KeyPairs.newEcP256();
          X509Certificate ca = CertificateIssuer.selfSignedCa(kp, "mesh4j dev CA " + UUID.randomUUID(), now, CA_VALIDITY);
          // Key first: a cert without its key would be useless to the next process.
          writeAtomically(keyFile, JdkPem.encode("PRIVATE KEY", kp.getPrivate().getEncoded()), true);
          writeAtomically(cert, JdkPem.encode("CERTIFICATE", ca.getEncoded()), false);
          return new DevCa(dir, ca, kp.getPrivate());
        }
      } catch (IllegalArgumentException e) { // a damaged ca.pem or ca-key.pem (the message names the file)
        throw new IllegalStateException("dev-ca: the CA in " + dir + " cannot be read: " + e.getMessage()
            + "; delete " + CERT_FILE + " and " + KEY_FILE + " in " + dir + " to create a new CA (every process"
            + " that must trust this one then needs the new one)", e);
      } catch (IOException | CertificateEncodingException e) {
        throw new IllegalStateException("dev-ca: cannot create or read the CA in " + dir + ": " + e
            + " (set mesh.tls.dev-ca.dir to a directory this user can write, the same for every process that"
            + " must trust this one)", e);
      }
    }
  }

  /** An expired CA would issue SVIDs that end before they start, every renewal, silently. */
  private static DevCa requireValid(DevCa ca, Instant now) {
    Instant notAfter = ca.certificate().getNotAfter().toInstant();
    Instant notBefore = ca.certificate().getNotBefore().toInstant();
    if (!now.isBefore(notAfter) || now.isBefore(notBefore)) {
      throw new IllegalStateException("dev-ca: the CA in " + ca.dir + " is valid from " + notBefore + " to "
          + notAfter + ", not now (" + now + "; is the clock right?); delete " + CERT_FILE + " and " + KEY_FILE
          + " in " + ca.dir + " to create a new CA (every process that must trust this one then needs the new one)");
    }
    return ca;
  }

  private static DevCa load(Path dir) throws IOException {
    Path cert = dir.resolve(CERT_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    checkOwnerOnly(keyFile);
    List<X509Certificate> certs = JdkPem.certificates(Files.readAllBytes(cert), cert.toString());
    PrivateKey key = JdkPem.pkcs8PrivateKey(
        Files.readAllBytes(keyFile), certs.get(0).getPublicKey().getAlgorithm(), keyFile.toString());
    // That the key matches the certificate is checked on the first certificate it signs
    // (checkIssued): a separate probe signature would cost a cold JVM another signature and
    // verification.
    return new DevCa(dir, certs.get(0), key);
  }

  /** Creates {@code dir} (and missing parents) readable by its owner only; existing ones stay as they are. */
  private static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir) || !posix()) {
      Files.createDirectories(dir);
      return;
    }
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /**
   * Refuses a CA key that group or others can read or write, as ssh does for private keys: anyone
   * who reads it can issue any SPIFFE ID of the trust domain, anyone who writes it can swap the CA.
   */
  static void checkOwnerOnly(Path keyFile) throws IOException {
    if (!posix()) {
      return;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
    boolean exposed = perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE);
    if (exposed) {
      throw new IllegalStateException("dev-ca: the CA private key " + keyFile + " has mode " + octal(perms)
          + ": group or others can read or write it, and whoever reads it can issue any SPIFFE ID of the trust"
          + " domain; refusing to use it. Fix: chmod 600 " + keyFile);
    }
  }

  static String octal(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 = 0400 ... OTHERS_EXECUTE is 8 = 0001
    }
    return String.format("%04o", mode);
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    boolean posix = posix();
    Set<PosixFilePermission> perms = PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--");
    FileAttribute<?>[] attrs =
        posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)} : new FileAttribute<?>[0];
    try {
      Files.createFile(tmp, attrs); // created with its final mode: the key is never readable by others
      if (posix) {
        Files.setPosixFilePermissions(tmp, perms); // the umask may have narrowed the public file
      }
      Files.write(tmp, content.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.TRUNCATE_EXISTING);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Checks that {@code issued}, signed with this CA's key, verifies with this CA's certificate:
   * i.e. that {@code ca-key.pem} and {@code ca.pem} belong together.
   *
   * @throws IllegalStateException naming both files when they do not
   */
  void checkIssued(X509Certificate issued) {
    try {
      issued.verify(certificate.getPublicKey());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("dev-ca: " + dir.resolve(KEY_FILE) + " does not match " + dir.resolve(CERT_FILE)
          + " (a certificate signed with the key does not verify with the certificate: " + e.getMessage()
          + "); delete both to start a new CA", e);
    }
  }

  public Path dir() {
    return dir;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  PrivateKey key() {
    return key;
  }
}
