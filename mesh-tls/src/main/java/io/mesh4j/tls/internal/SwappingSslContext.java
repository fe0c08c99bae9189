package io.mesh4j.tls.internal;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.TrustBundleSet;
import io.mesh4j.tls.X509Svid;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link SSLContext} whose identity never changes while its inner JDK context follows the
 * material: key and trust managers read the current SVID and bundles on each handshake, and the
 * inner context (with its session cache and session-ticket keys) is a {@link TlsGeneration}
 * replaced, when the next connection is made, once the presented SVID or the bundles changed or a
 * certificate of its sessions expired. So no session made with older material, or past a
 * certificate's expiry, is resumed; within one generation resumption still saves the handshake.
 * Its socket factory is one stable object, as OkHttp keys its connection pool on the factory's
 * identity.
 */
public final class SwappingSslContext {

  private static final Logger log = LoggerFactory.getLogger(SwappingSslContext.class);

  private final RotatingKeyManager keyManager;
  private final X509ExtendedTrustManager trustManager;
  private final Supplier<TrustBundleSet> bundles;
  private final MeshClock clock;
  private final TlsProtocols protocols;
  private final boolean needClientAuth;
  private final java.time.Duration handshakeDeadline;
  private volatile TlsGeneration generation;
  private final SSLContext outer;
  private final SSLSocketFactory socketFactory = new ConfiguringSocketFactory();
  private final ConnectionRetirement retirement;
  /**
   * What every socket and engine is configured with, built once: the defaults of a JDK "TLS"
   * context do not depend on its key material. Only read from ({@code setSSLParameters} copies it),
   * never handed out.
   */
  private final SSLParameters connectionParameters;

  /**
   * @param bundles the bundles the trust manager verifies against now
   * @param handshakeDeadline for client sockets: the longest wait for the server during an explicit
   *     {@code startHandshake()} (see {@link MeshClientSocket}); null for none
   */
  public SwappingSslContext(
      RotatingKeyManager km, X509ExtendedTrustManager tm, Supplier<TrustBundleSet> bundles, MeshClock clock,
      TlsProtocols protocols, boolean needClientAuth, java.time.Duration handshakeDeadline) {
    this.handshakeDeadline = handshakeDeadline;
    this.keyManager = km;
    this.trustManager = tm;
    this.bundles = bundles;
    this.clock = clock;
    this.protocols = protocols;
    this.needClientAuth = needClientAuth;
    this.retirement = new ConnectionRetirement(km, clock);
    this.generation = new TlsGeneration(km, tm, km.presented(), bundles.get(), clock.wallMillis(), null);
    SSLContext first = generation.context();
    this.connectionParameters = parameters();
    this.outer = new SSLContext(new Spi(), first.getProvider(), first.getProtocol()) {};
  }

  public SSLContext context() {
    return outer;
  }

  public SSLSocketFactory socketFactory() {
    return socketFactory;
  }

  public SSLParameters parameters() {
    return protocols.apply(generation.context().getDefaultSSLParameters(), needClientAuth);
  }

  /** The inner context for a connection made now: a new one when the material or time requires it. */
  private SSLContext current() {
    TlsGeneration g = generation;
    if (g.serves(keyManager.presented(), bundles.get(), clock.wallMillis())) {
      return g.context();
    }
    synchronized (this) {
      // Read again under the lock: values read before it may be older than the generation now installed.
      X509Svid svid = keyManager.presented();
      TrustBundleSet trusted = bundles.get();
      long now = clock.wallMillis();
      g = generation;
      if (!g.serves(svid, trusted, now)) {
        log.debug("new {} TLS session generation: {}", needClientAuth ? "server" : "client", g.whyNot(svid, trusted));
        g = new TlsGeneration(keyManager, trustManager, svid, trusted, now, g);
        generation = g;
      }
      return g.context();
    }
  }

  private SSLEngine configure(SSLEngine e) {
    e.setSSLParameters(connectionParameters);
    return e;
  }

  private Socket configure(Socket s) {
    return configure(s, null, null);
  }

  private Socket configure(Socket s, String endpoint) {
    return configure(s, null, endpoint);
  }

  /** @param raw the plain socket under a layered TLS socket (what OkHttp does), else null */
  private Socket configure(Socket s, Socket raw, String endpoint) {
    if (s instanceof SSLSocket) {
      ((SSLSocket) s).setSSLParameters(connectionParameters);
      if (!needClientAuth) {
        return new MeshClientSocket((SSLSocket) s, raw, endpoint, handshakeDeadline, retirement);
      }
    }
    return s;
  }

  private static String endpoint(String host, int port) {
    return (host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private final class Spi extends SSLContextSpi {
    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
      throw new UnsupportedOperationException("a mesh4j SSLContext is initialized already");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return socketFactory;
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw new UnsupportedOperationException("use createSSLEngine() or the HttpsConfigurator");
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return configure(current().createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return configure(current().createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return current().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return current().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return parameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return generation.context().getSupportedSSLParameters();
    }
  }

  private final class ConfiguringSocketFactory extends SSLSocketFactory {
    private SSLSocketFactory delegate() {
      return current().getSocketFactory();
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return protocols.cipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return protocols.cipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      return configure(delegate().createSocket(s, host, port, autoClose), s, endpoint(host, port));
    }

    @Override
    public Socket createSocket() throws IOException {
      return configure(delegate().createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return configure(delegate().createSocket(host, port), endpoint(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return configure(delegate().createSocket(host, port, localHost, localPort), endpoint(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return configure(delegate().createSocket(host, port), endpoint(host.getHostAddress(), port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return configure(delegate().createSocket(address, port, localAddress, localPort),
          endpoint(address.getHostAddress(), port));
    }
  }
}
