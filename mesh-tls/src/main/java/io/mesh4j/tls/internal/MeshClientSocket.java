package io.mesh4j.tls.internal;

import io.mesh4j.TlsMismatchException;
import io.mesh4j.tls.SpiffeId;
import io.mesh4j.tls.TrustBundleSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A mesh client {@link SSLSocket}: it bounds the wait for the server in a handshake, tells a
 * plaintext server from a slow or hung one, and stops taking new requests once its session carries
 * stale identities. Everything else is delegated.
 *
 * <p><b>Handshake deadline.</b> An explicit {@link #startHandshake()} waits at most a deadline for
 * each answer of the server ({@code mesh.tls.handshake-timeout}, 750 ms by default): the socket's
 * read timeout is lowered to {@code min(read timeout, deadline)} for the handshake only and
 * restored afterwards.
 *
 * <p><b>Plaintext servers.</b> A server that answers the ClientHello with plaintext (nginx without
 * {@code ssl} sends {@code HTTP/1.1 400} at once) makes the JDK fail with "Unsupported or
 * unrecognized SSL message": that becomes a {@link TlsMismatchException}. A plaintext HTTP server
 * that reads the ClientHello as the start of a request line (the JDK {@code HttpServer}) answers
 * nothing; when the deadline passes, {@link PlaintextProbe} ends that "line" on the plain socket
 * underneath and reads the answer for up to 250 ms: an HTTP answer is a {@link
 * TlsMismatchException} too (so a plaintext backend fails within about 1 s, not after the read
 * timeout), TLS bytes or silence a {@link SocketTimeoutException} (a slow or hung endpoint: the
 * endpoint's failure, retried elsewhere). The probe is sent only after the handshake failed its
 * deadline: it breaks the handshake.
 *
 * <p>A handshake cut short by a close on this side (OkHttp closes the socket when the call is
 * cancelled, e.g. by the service's {@code timeout}) fails with an {@link SSLException} saying so,
 * which the mesh puts in its timeout's message.
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

  /** The longest wait for an answer to the plaintext probe. */
  static final int PROBE_WAIT_MILLIS = 250;

  private static final long NO_REQUEST_YET = Long.MIN_VALUE;

  private final SSLSocket d;
  private final java.net.Socket raw; // the plain socket under d; null when d is not layered
  private final String endpoint;
  private final Duration deadline; // null: no deadline beyond the read timeout
  private final ConnectionRetirement retirement;
  private volatile ConnectionRetirement.Session session; // set once the handshake completed
  // What the network interceptors learnt about this connection, so they do not redo it per request.
  private volatile PeerCheck peerCheck;
  private final AtomicLong firstRequestNanos = new AtomicLong(NO_REQUEST_YET);

  /** The outcome of {@link PeerIdentityInterceptor}'s last check of this connection's session. */
  record PeerCheck(SSLSession session, X509Certificate[] chain, SpiffeId peer, TrustBundleSet verifiedUnder) {}

  MeshClientSocket(SSLSocket delegate, java.net.Socket raw, String endpoint, Duration deadline,
      ConnectionRetirement retirement) {
    this.d = delegate;
    this.raw = raw;
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

  PeerCheck peerCheck() {
    return peerCheck;
  }

  void peerCheck(PeerCheck check) {
    peerCheck = check;
  }

  /** The time of the first request on this connection: {@code now} for the first caller. */
  long firstRequestNanos(long now) {
    long first = firstRequestNanos.get();
    if (first != NO_REQUEST_YET) {
      return first;
    }
    return firstRequestNanos.compareAndSet(NO_REQUEST_YET, now) ? now : firstRequestNanos.get();
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
    long started = System.nanoTime();
    try {
      d.startHandshake();
    } catch (SocketTimeoutException e) {
      throw noAnswer(endpoint, during, e);
    } catch (SSLException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("Unsupported or unrecognized SSL message")) {
        throw new TlsMismatchException(endpoint, "bytes that are not a TLS record: " + m, e);
      }
      if (closedHere(e)) {
        throw cutShort(endpoint, started, e);
      }
      throw e;
    } catch (SocketException e) {
      if (closedHere(e)) {
        throw cutShort(endpoint, started, e);
      }
      throw e;
    }
    if (!d.isClosed()) {
      d.setSoTimeout(before);
    }
  }

  /** The deadline passed: probe for a plaintext HTTP server, else report a slow or hung one. */
  private IOException noAnswer(String endpoint, int waitedMillis, SocketTimeoutException e) {
    String waited = ConfigText.duration(Duration.ofMillis(waitedMillis));
    PlaintextProbe.Answer answer = raw == null || raw.isClosed()
        ? null
        : PlaintextProbe.ask(raw, Duration.ofMillis(Math.min(PROBE_WAIT_MILLIS, waitedMillis)));
    // The handshake failed (and a probe broke it): nothing more can be read or written here, and
    // a SocketTimeoutException must not invite a caller to resume the handshake on this socket.
    closeQuietly();
    if (answer != null && answer.kind() == PlaintextProbe.Kind.PLAINTEXT) {
      return new TlsMismatchException(endpoint, "'" + answer.firstLine() + "', after no answer to the ClientHello"
          + " within " + waited + " and a probe of two empty lines", e);
    }
    String why;
    if (answer == null) {
      why = "; " + hint();
    } else if (answer.kind() == PlaintextProbe.Kind.TLS) {
      why = ", though it speaks TLS (a slow server: raise mesh.tls.handshake-timeout if that is expected)";
    } else if (answer.kind() == PlaintextProbe.Kind.UNKNOWN) {
      why = "; to a plaintext HTTP probe it sent bytes that are neither a TLS record's start nor HTTP ('"
          + answer.firstLine() + "'): a TLS server that stalled mid-record, or another protocol (raise "
          + "mesh.tls.handshake-timeout if the server is slow)";
    } else {
      why = ", nor to a plaintext HTTP probe (the endpoint is hung, or speaks neither TLS nor HTTP; if it serves "
          + "plaintext: a plaintext backend needs mesh.services.<name>.tls.mode=disabled, see docs/tls.md)";
    }
    SocketTimeoutException t = new SocketTimeoutException(
        "TLS handshake with " + endpoint + ": no TLS answer from the server within " + waited + why);
    t.initCause(e);
    return t;
  }

  private static SSLException cutShort(String endpoint, long startedNanos, IOException e) {
    long millis = (System.nanoTime() - startedNanos) / 1_000_000;
    return new SSLException("TLS handshake with " + endpoint + " cut short after " + millis + "ms by a close on "
        + "this side (the call was cancelled or ran out of time) before the server completed it; if the server "
        + "never answered the ClientHello, " + hint(), e);
  }

  /** True when the handshake failed because this side closed the socket (a cancelled call). */
  private static boolean closedHere(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketException && "Socket closed".equalsIgnoreCase(String.valueOf(t.getMessage()))) {
        return true;
      }
    }
    return false;
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

  private void closeQuietly() {
    try {
      d.close();
    } catch (IOException ignored) {
      // already failing with a clearer error
    }
  }
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
