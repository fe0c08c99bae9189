package io.mesh4j.tls;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.internal.JdkVersionGuard;
import io.mesh4j.tls.internal.RotatingKeyManager;
import io.mesh4j.tls.internal.SpiffeHostnameVerifier;
import io.mesh4j.tls.internal.SpiffeTrustManager;
import io.mesh4j.tls.internal.SwappingSslContext;
import io.mesh4j.tls.internal.TlsProtocols;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Rotating mutual TLS over one {@link X509Source}: client and server {@link SSLContext}s whose
 * certificate and trust follow the source without being rebuilt, one client {@link
 * SSLSocketFactory} for the life of this object, and per-service identity verifiers. A TLS
 * session is resumed only with the SVID and bundles it was made with and before any certificate
 * it carries expires. Does not own the source; {@link #close()} only unsubscribes.
 *
 * <pre>{@code
 * MeshTls tls = MeshTls.builder(source).build();
 * OkHttpClient ok = new OkHttpClient.Builder()
 *     .sslSocketFactory(tls.socketFactory(), tls.trustManager())
 *     .hostnameVerifier(tls.verifierFor("orders", Set.of(SpiffeId.parse("spiffe://example.org/orders"))))
 *     .build();
 * }</pre>
 */
public final class MeshTls implements AutoCloseable {

  private final X509Source source;
  private final RotatingKeyManager keyManager;
  private final SpiffeTrustManager trustManager;
  private final SwappingSslContext client;
  private final SwappingSslContext server;
  private final MinTlsVersion minVersion;
  private final java.time.Duration handshakeTimeout;
  private final MeshClock clock;

  private MeshTls(Builder b) {
    JdkVersionGuard.check();
    this.source = b.source;
    this.minVersion = b.minVersion;
    this.keyManager = new RotatingKeyManager(b.clock);
    this.trustManager = new SpiffeTrustManager(source::bundles, b.clock);
    source.addListener(keyManager);
    SSLContext probe;
    try {
      // Not SSLContext.getDefault(): that loads the JDK's cacerts trust store (hundreds of
      // certificates, a good part of a cold start) only to learn which suites the JDK supports.
      probe = SSLContext.getInstance("TLS");
      probe.init(new javax.net.ssl.KeyManager[] {keyManager}, new javax.net.ssl.TrustManager[] {trustManager}, null);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no TLS context in this JDK", e);
    }
    TlsProtocols protocols = new TlsProtocols(b.minVersion, probe);
    this.handshakeTimeout = b.handshakeTimeout;
    this.clock = b.clock;
    // Each context moves its sessions to a new generation when the SVID or bundles change.
    this.client = new SwappingSslContext(
        keyManager, trustManager, source::bundles, b.clock, protocols, false, b.handshakeTimeout);
    this.server = new SwappingSslContext(keyManager, trustManager, source::bundles, b.clock, protocols, true, null);
  }

  public static Builder builder(X509Source source) {
    return new Builder(source);
  }

  public X509Source source() {
    return source;
  }

  public MinTlsVersion minVersion() {
    return minVersion;
  }

  /** The longest wait for the server in a client handshake (capped by the socket's read timeout). */
  public java.time.Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** The client socket factory: one instance for the life of this object. */
  public SSLSocketFactory socketFactory() {
    return client.socketFactory();
  }

  /** The trust manager (SPIFFE verification against the source's current bundles). */
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  /** The key manager presenting the source's current SVID. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /** A client context (TLS version and suites applied to every socket and engine it makes). */
  public SSLContext clientContext() {
    return client.context();
  }

  /** A server context that requires a client certificate (an SVID the trust manager accepts). */
  public SSLContext serverContext() {
    return server.context();
  }

  /**
   * Verifies the server's SPIFFE ID against {@code allowed} after each new handshake; one call per
   * service, and keep the instance (OkHttp pools connections per verifier instance).
   */
  public HostnameVerifier verifierFor(String service, Set<SpiffeId> allowed) {
    return new SpiffeHostnameVerifier(Objects.requireNonNull(service, "service"), allowed);
  }

  /** Re-verifies a peer chain against the current bundles (used for pooled connections). */
  SpiffeTrustManager spiffeTrustManager() {
    return trustManager;
  }

  /** The clock certificate validity is judged by. */
  MeshClock clock() {
    return clock;
  }

  /** Unsubscribes from the source (the source stays open). */
  @Override
  public void close() {
    source.removeListener(keyManager);
  }

  /** Builds a {@link MeshTls}. */
  public static final class Builder {
    private final X509Source source;
    private MinTlsVersion minVersion = MinTlsVersion.TLS_1_3;
    private MeshClock clock = MeshClock.SYSTEM;
    private java.time.Duration handshakeTimeout = java.time.Duration.ofMillis(750);

    private Builder(X509Source source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    public Builder minVersion(MinTlsVersion v) {
      this.minVersion = Objects.requireNonNull(v, "minVersion");
      return this;
    }

    /**
     * The longest wait for each answer of the server during a client socket's {@code
     * startHandshake()} (default 750 ms; the socket's read timeout still applies when shorter).
     * When it passes, a plaintext HTTP server (which never answers a ClientHello) is told apart by
     * a probe of up to 250 ms and fails the handshake with {@link io.mesh4j.TlsMismatchException};
     * a slow or hung server with a {@code SocketTimeoutException} naming the endpoint.
     */
    public Builder handshakeTimeout(java.time.Duration timeout) {
      Objects.requireNonNull(timeout, "handshakeTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("handshakeTimeout must be positive: " + timeout);
      }
      this.handshakeTimeout = timeout;
      return this;
    }

    public Builder clock(MeshClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** @throws io.mesh4j.MeshException on a JDK affected by CVE-2022-21449 */
    public MeshTls build() {
      return new MeshTls(this);
    }
  }
}
