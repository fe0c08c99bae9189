package io.mesh4j.tls.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
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

/**
 * An {@link SSLContext} whose identity never changes but whose inner JDK context is replaced when
 * the trust bundles change. Key and trust managers already read the current SVID and bundles on
 * each handshake; replacing the inner context additionally drops its session caches, so a session
 * established under a removed root cannot be resumed. Its socket factory is one stable object, as
 * OkHttp keys its connection pool on the factory's identity.
 */
public final class SwappingSslContext {

  private final KeyManager keyManager;
  private final TrustManager trustManager;
  private final TlsProtocols protocols;
  private final boolean needClientAuth;
  private final java.time.Duration handshakeDeadline;
  private volatile SSLContext inner;
  private final SSLContext outer;
  private final SSLSocketFactory socketFactory = new ConfiguringSocketFactory();

  public SwappingSslContext(KeyManager km, TrustManager tm, TlsProtocols protocols, boolean needClientAuth) {
    this(km, tm, protocols, needClientAuth, null);
  }

  /**
   * @param handshakeDeadline for client sockets: the longest wait for the server during an explicit
   *     {@code startHandshake()} (see {@link HandshakeDeadlineSocket}); null for none
   */
  public SwappingSslContext(
      KeyManager km, TrustManager tm, TlsProtocols protocols, boolean needClientAuth,
      java.time.Duration handshakeDeadline) {
    this.handshakeDeadline = handshakeDeadline;
    this.keyManager = km;
    this.trustManager = tm;
    this.protocols = protocols;
    this.needClientAuth = needClientAuth;
    this.inner = newInner();
    this.outer = new SSLContext(new Spi(), inner.getProvider(), inner.getProtocol()) {};
  }

  /** Builds a fresh inner context (new, empty session caches). */
  public void swap() {
    inner = newInner();
  }

  public SSLContext context() {
    return outer;
  }

  public SSLSocketFactory socketFactory() {
    return socketFactory;
  }

  public SSLParameters parameters() {
    return protocols.apply(inner.getDefaultSSLParameters(), needClientAuth);
  }

  private SSLContext newInner() {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
      return c;
    } catch (NoSuchAlgorithmException | KeyManagementException e) {
      throw new IllegalStateException("cannot create a TLS context", e);
    }
  }

  private SSLEngine configure(SSLEngine e) {
    e.setSSLParameters(parameters());
    return e;
  }

  private Socket configure(Socket s) {
    return configure(s, null);
  }

  private Socket configure(Socket s, String endpoint) {
    if (s instanceof SSLSocket) {
      ((SSLSocket) s).setSSLParameters(parameters());
      if (handshakeDeadline != null && !needClientAuth) {
        return new HandshakeDeadlineSocket((SSLSocket) s, endpoint, handshakeDeadline);
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
      return configure(inner.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return configure(inner.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return inner.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return inner.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return parameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return inner.getSupportedSSLParameters();
    }
  }

  private final class ConfiguringSocketFactory extends SSLSocketFactory {
    private SSLSocketFactory delegate() {
      return inner.getSocketFactory();
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
      return configure(delegate().createSocket(s, host, port, autoClose), endpoint(host, port));
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
