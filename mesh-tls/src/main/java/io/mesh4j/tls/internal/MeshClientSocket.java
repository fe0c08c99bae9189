package io.mesh4j.tls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A mesh client {@link SSLSocket}: it bounds the wait for the server in a handshake, and it stops
 * taking new requests once its session carries stale identities. Everything else is delegated.
 *
 * <p><b>Handshake deadline.</b> An explicit {@link #startHandshake()} waits at most a deadline for
 * the server: the socket's read timeout is lowered to {@code min(read timeout, deadline)} for the
 * handshake only and restored afterwards.
 *
 * <p>Why: a server that speaks plaintext HTTP on the port reads the ClientHello as the start of a
 * request line and waits for the rest, so without this the client sits in the handshake until the
 * read timeout and then reports a bare "Read timed out". Here it fails after the deadline with a
 * message naming the endpoint and the likely cause. A server that answers the ClientHello with
 * plaintext (an HTTP 400) makes the JDK fail at once with "Unsupported or unrecognized SSL
 * message"; that message gets the same hint.
 *
 * <p>Handshakes the JDK starts implicitly (first read or write without {@code startHandshake}) keep
 * the normal read timeout; OkHttp always calls {@code startHandshake}.
 *
 * <p><b>Retirement.</b> After its handshake the socket answers {@link #isOutputShutdown()} with
 * true once {@link ConnectionRetirement} says so: the SVID it presented was rotated, or a
 * certificate of its session (its own or the server's) expired. OkHttp asks exactly that before
 * it hands a pooled connection to a new request, and opens a new connection instead; requests
 * under way finish. So a rotated SVID replaces pooled connections as they are next used, and no
 * request is sent with a certificate the server would find expired (the mesh server checks the
 * caller at every request).
 */
final class MeshClientSocket extends SSLSocket {

  private final SSLSocket d;
  private final String endpoint;
  private final Duration deadline; // null: no deadline beyond the read timeout
  private final ConnectionRetirement retirement;
  private volatile ConnectionRetirement.Session session; // set once the handshake completed

  MeshClientSocket(SSLSocket delegate, String endpoint, Duration deadline, ConnectionRetirement retirement) {
    this.d = delegate;
    this.endpoint = endpoint;
    this.deadline = deadline;
    this.retirement = retirement;
  }

  static String hint() {
    return "is the endpoint serving plaintext? A plaintext backend needs mesh.services.<name>.tls.mode=disabled "
        + "(or mesh.tls.mode=disabled); see docs/tls.md";
  }

  @Override
  public void startHandshake() throws IOException {
    if (deadline == null) {
      d.startHandshake();
    } else {
      startHandshakeWithDeadline();
    }
    session = retirement.of(d.getSession());
  }

  /** True when the socket's output is shut down, or its session must not carry new requests. */
  @Override
  public boolean isOutputShutdown() {
    ConnectionRetirement.Session s = session;
    return d.isOutputShutdown() || (s != null && retirement.retired(s));
  }

  private void startHandshakeWithDeadline() throws IOException {
    String endpoint = this.endpoint != null ? this.endpoint : String.valueOf(d.getRemoteSocketAddress());
    int before = d.getSoTimeout();
    // A socket timeout is an int of milliseconds; a longer deadline is as good as none.
    int limit = deadline.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0 ? Integer.MAX_VALUE : (int) deadline.toMillis();
    int during = Math.max(1, before == 0 ? limit : Math.min(before, limit));
    d.setSoTimeout(during);
    try {
      d.startHandshake();
    } catch (SocketTimeoutException e) {
      SocketTimeoutException t = new SocketTimeoutException("TLS handshake with " + endpoint
          + ": no TLS answer from the server within " + ConfigText.duration(Duration.ofMillis(during)) + "; "
          + hint());
      t.initCause(e);
      throw t;
    } catch (SSLException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("Unsupported or unrecognized SSL message")) {
        throw new SSLException("TLS handshake with " + endpoint + ": the server answered with something that is "
            + "not TLS (" + m + "); " + hint(), e);
      }
      throw e;
    }
    if (!d.isClosed()) {
      d.setSoTimeout(before);
    }
  }

  // --- delegation ---

  @Override public String[] getSupportedCipherSuites() { return d.getSupportedCipherSuites(); }
  @Override public String[] getEnabledCipherSuites() { return d.getEnabledCipherSuites(); }
  @Override public void setEnabledCipherSuites(String[] suites) { d.setEnabledCipherSuites(suites); }
  @Override public String[] getSupportedProtocols() { return d.getSupportedProtocols(); }
  @Override public String[] getEnabledProtocols() { return d.getEnabledProtocols(); }
  @Override public void setEnabledProtocols(String[] protocols) { d.setEnabledProtocols(protocols); }
  @Override public SSLSession getSession() { return d.getSession(); }
  @Override public SSLSession getHandshakeSession() { return d.getHandshakeSession(); }
  @Override public void addHandshakeCompletedListener(HandshakeCompletedListener l) { d.addHandshakeCompletedListener(l); }
  @Override public void removeHandshakeCompletedListener(HandshakeCompletedListener l) { d.removeHandshakeCompletedListener(l); }
  @Override public void setUseClientMode(boolean mode) { d.setUseClientMode(mode); }
  @Override public boolean getUseClientMode() { return d.getUseClientMode(); }
  @Override public void setNeedClientAuth(boolean need) { d.setNeedClientAuth(need); }
  @Override public boolean getNeedClientAuth() { return d.getNeedClientAuth(); }
  @Override public void setWantClientAuth(boolean want) { d.setWantClientAuth(want); }
  @Override public boolean getWantClientAuth() { return d.getWantClientAuth(); }
  @Override public void setEnableSessionCreation(boolean flag) { d.setEnableSessionCreation(flag); }
  @Override public boolean getEnableSessionCreation() { return d.getEnableSessionCreation(); }
  @Override public SSLParameters getSSLParameters() { return d.getSSLParameters(); }
  @Override public void setSSLParameters(SSLParameters params) { d.setSSLParameters(params); }
  @Override public String getApplicationProtocol() { return d.getApplicationProtocol(); }
  @Override public String getHandshakeApplicationProtocol() { return d.getHandshakeApplicationProtocol(); }
  @Override public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> s) {
    d.setHandshakeApplicationProtocolSelector(s);
  }
  @Override public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return d.getHandshakeApplicationProtocolSelector();
  }

  @Override public void connect(SocketAddress endpoint) throws IOException { d.connect(endpoint); }
  @Override public void connect(SocketAddress endpoint, int timeout) throws IOException { d.connect(endpoint, timeout); }
  @Override public void bind(SocketAddress bindpoint) throws IOException { d.bind(bindpoint); }
  @Override public InetAddress getInetAddress() { return d.getInetAddress(); }
  @Override public InetAddress getLocalAddress() { return d.getLocalAddress(); }
  @Override public int getPort() { return d.getPort(); }
  @Override public int getLocalPort() { return d.getLocalPort(); }
  @Override public SocketAddress getRemoteSocketAddress() { return d.getRemoteSocketAddress(); }
  @Override public SocketAddress getLocalSocketAddress() { return d.getLocalSocketAddress(); }
  @Override public SocketChannel getChannel() { return d.getChannel(); }
  @Override public InputStream getInputStream() throws IOException { return d.getInputStream(); }
  @Override public OutputStream getOutputStream() throws IOException { return d.getOutputStream(); }
  @Override public void setTcpNoDelay(boolean on) throws SocketException { d.setTcpNoDelay(on); }
  @Override public boolean getTcpNoDelay() throws SocketException { return d.getTcpNoDelay(); }
  @Override public void setSoLinger(boolean on, int linger) throws SocketException { d.setSoLinger(on, linger); }
  @Override public int getSoLinger() throws SocketException { return d.getSoLinger(); }
  @Override public void sendUrgentData(int data) throws IOException { d.sendUrgentData(data); }
  @Override public void setOOBInline(boolean on) throws SocketException { d.setOOBInline(on); }
  @Override public boolean getOOBInline() throws SocketException { return d.getOOBInline(); }
  @Override public void setSoTimeout(int timeout) throws SocketException { d.setSoTimeout(timeout); }
  @Override public int getSoTimeout() throws SocketException { return d.getSoTimeout(); }
  @Override public void setSendBufferSize(int size) throws SocketException { d.setSendBufferSize(size); }
  @Override public int getSendBufferSize() throws SocketException { return d.getSendBufferSize(); }
  @Override public void setReceiveBufferSize(int size) throws SocketException { d.setReceiveBufferSize(size); }
  @Override public int getReceiveBufferSize() throws SocketException { return d.getReceiveBufferSize(); }
  @Override public void setKeepAlive(boolean on) throws SocketException { d.setKeepAlive(on); }
  @Override public boolean getKeepAlive() throws SocketException { return d.getKeepAlive(); }
  @Override public void setTrafficClass(int tc) throws SocketException { d.setTrafficClass(tc); }
  @Override public int getTrafficClass() throws SocketException { return d.getTrafficClass(); }
  @Override public void setReuseAddress(boolean on) throws SocketException { d.setReuseAddress(on); }
  @Override public boolean getReuseAddress() throws SocketException { return d.getReuseAddress(); }
  @Override public void close() throws IOException { d.close(); }
  @Override public void shutdownInput() throws IOException { d.shutdownInput(); }
  @Override public void shutdownOutput() throws IOException { d.shutdownOutput(); }
  @Override public boolean isConnected() { return d.isConnected(); }
  @Override public boolean isBound() { return d.isBound(); }
  @Override public boolean isClosed() { return d.isClosed(); }
  @Override public boolean isInputShutdown() { return d.isInputShutdown(); }
  @Override public void setPerformancePreferences(int c, int l, int b) { d.setPerformancePreferences(c, l, b); }
  @Override public <T> java.net.Socket setOption(SocketOption<T> name, T value) throws IOException {
    d.setOption(name, value);
    return this;
  }
  @Override public <T> T getOption(SocketOption<T> name) throws IOException { return d.getOption(name); }
  @Override public Set<SocketOption<?>> supportedOptions() { return d.supportedOptions(); }
  @Override public String toString() { return "MeshClientSocket[" + d + "]"; }
}
