package io.mesh4j.tls.internal;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.TlsMaterial;
import io.mesh4j.tls.TrustBundle;
import io.mesh4j.tls.TrustBundleSet;
import io.mesh4j.tls.TrustDomain;
import io.mesh4j.tls.X509Svid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code files} source: an SVID chain, its PKCS#8 key and a CA bundle in PEM files, written by
 * something else (spiffe-helper, cert-manager's CSI driver, a Kubernetes secret).
 *
 * <p>It polls the files' contents on the shared scheduler rather than using a WatchService:
 * polling sees both an atomic rename (including Kubernetes' {@code ..data} symlink swap) and an
 * in-place rewrite, on every file system, and costs three small reads per interval. A change is
 * taken only when all three files parse and agree (key matches leaf, chain verifies against the
 * bundle, not expired); otherwise the error is logged once per content, naming the file, and the
 * last good SVID stays in use.
 */
public final class FilesSource extends MaterialPublisher {

  private static final Logger log = LoggerFactory.getLogger(FilesSource.class);

  private final Path certFile;
  private final Path keyFile;
  private final Path bundleFile;
  /** How messages name the files: the path, or {@code mesh.tls.files.cert=/path} in a MeshClient. */
  private final String certName;
  private final String keyName;
  private final String bundleName;
  private final TrustDomain trustDomain;
  private final ScheduledFuture<?> poll;
  private byte[][] lastSeen;
  /** Parsed from {@link #lastSeen}; published when the next poll reads the same bytes. */
  private TlsMaterial pending;

  private FilesSource(
      Path certFile, Path keyFile, Path bundleFile, List<String> names, TrustDomain trustDomain, Duration interval,
      ScheduledExecutorService scheduler, MeshClock clock) {
    super(clock);
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.bundleFile = bundleFile;
    this.certName = names.get(0);
    this.keyName = names.get(1);
    this.bundleName = names.get(2);
    this.trustDomain = trustDomain;
    byte[][] first = read();
    publish(parse(first));
    this.lastSeen = first;
    this.poll =
        scheduler.scheduleWithFixedDelay(this::poll, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Loads the files (failing with a message naming the file at fault) and starts watching them.
   *
   * @param trustDomain the trust domain the SVID must belong to
   */
  public static FilesSource start(
      Path certFile, Path keyFile, Path bundleFile, TrustDomain trustDomain, Duration interval,
      ScheduledExecutorService scheduler, MeshClock clock) {
    return new FilesSource(certFile, keyFile, bundleFile,
        List.of(certFile.toString(), keyFile.toString(), bundleFile.toString()), trustDomain, interval, scheduler, clock);
  }

  /**
   * As {@link #start}, with messages naming each file by {@code keys} (cert, key, bundle), e.g.
   * {@code mesh.tls.files.cert=/run/svid.pem: file not found}.
   */
  public static FilesSource start(
      Path certFile, Path keyFile, Path bundleFile, List<String> keys, TrustDomain trustDomain, Duration interval,
      ScheduledExecutorService scheduler, MeshClock clock) {
    List<String> names = List.of(
        keys.get(0) + "=" + certFile, keys.get(1) + "=" + keyFile, keys.get(2) + "=" + bundleFile);
    return new FilesSource(certFile, keyFile, bundleFile, names, trustDomain, interval, scheduler, clock);
  }

  /**
   * A change is used only once two polls in a row read the same bytes: a file rewritten in place
   * and read between two of its blocks parses as a complete, shorter file (a bundle one root
   * short), and only reading it again tells that apart. Files renamed into place wait one
   * interval more; unreadable content is reported at once.
   */
  private synchronized void poll() {
    byte[][] now;
    try {
      now = read();
    } catch (IllegalArgumentException e) {
      pending = null;
      if (lastSeen != null) {
        lastSeen = null; // log each distinct failure once
        fail(e.getMessage());
      }
      return;
    }
    if (lastSeen != null && Arrays.deepEquals(now, lastSeen)) {
      if (pending != null) {
        TlsMaterial settled = pending;
        pending = null;
        publish(settled);
      }
      return;
    }
    lastSeen = now;
    pending = null;
    try {
      pending = parse(now);
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
    } catch (RuntimeException e) {
      fail("files source: unexpected error reloading " + certName + ": " + e);
    }
  }

  private void fail(String message) {
    log.warn("{}; keeping the last good SVID {}", message, current().svid());
    recordFailure(message);
  }

  /** Reads all three files; a failure names every file that could not be read, not only the first. */
  private byte[][] read() {
    Path[] paths = {certFile, keyFile, bundleFile};
    String[] names = {certName, keyName, bundleName};
    byte[][] out = new byte[3][];
    List<String> errors = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try {
        out[i] = Files.readAllBytes(paths[i]);
      } catch (NoSuchFileException e) {
        errors.add(names[i] + ": file not found");
      } catch (IOException e) {
        errors.add(names[i] + ": cannot read (" + e.getMessage() + ")");
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
    return out;
  }

  private TlsMaterial parse(byte[][] files) {
    List<X509Certificate> chain = Pem.certificates(files[0], certName);
    PrivateKey key = Pem.privateKey(files[1], keyName);
    List<X509Certificate> roots = Pem.certificates(files[2], bundleName);
    X509Svid svid;
    try {
      svid = X509Svid.of(chain, key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(certName + " with key " + keyName + ": " + e.getMessage(), e);
    }
    if (!svid.spiffeId().trustDomain().equals(trustDomain)) {
      throw new IllegalArgumentException(
          certName + ": SVID " + svid.spiffeId() + " is not in trust domain " + trustDomain + " (mesh.trust-domain)");
    }
    long now = clock().wallMillis();
    if (!svid.isValidAt(now)) {
      throw new IllegalArgumentException(
          certName + ": SVID " + svid.spiffeId() + " is not valid now (" + svid.notBefore() + " to " + svid.notAfter()
              + ", now " + Instant.ofEpochMilli(now) + ")");
    }
    TrustBundle bundle;
    try {
      bundle = TrustBundle.of(trustDomain, roots);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(bundleName + ": " + e.getMessage(), e);
    }
    TrustBundleSet set = TrustBundleSet.of(bundle);
    try {
      new SpiffeTrustManager(() -> set, clock()).verify(svid.chain().toArray(new X509Certificate[0]), null);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          certName + ": SVID does not verify against the bundle in " + bundleName + ": " + e.getMessage(), e);
    }
    return new TlsMaterial(svid, set);
  }

  @Override
  protected String name() {
    return "files source (" + certFile + ")";
  }

  @Override
  public void close() {
    poll.cancel(false);
  }
}
