package io.mesh4j.benchmarks;

import io.mesh4j.tls.CallerPolicy;
import io.mesh4j.tls.MeshTls;
import io.mesh4j.tls.MeshTlsServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A TLS 1.3 mutual-TLS connection on loopback to a JDK HttpsServer (connect, handshake, one GET,
 * read the response, close) with EC P-256 SVIDs. {@code managers=mesh}: mesh-tls's rotating
 * key/trust managers, the client's SPIFFE server-ID check and the server's caller check. {@code
 * managers=plain}: the JDK's default (SunX509, PKIX) managers over the same certificates, no
 * SPIFFE checks. {@link #full} invalidates each session so every connection does a full
 * handshake; {@link #resumed} lets the client resume (PSK from the server's session ticket), as a
 * client reconnecting to the same endpoint would.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// the JDK's Java-coded EC and the handshake code take a few hundred handshakes to compile
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class HandshakeBenchmark {

  private static final String HOST = "127.0.0.1";
  private static final byte[] REQUEST =
      "GET / HTTP/1.1\r\nHost: orders\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  @Param({"mesh", "plain"})
  public String managers;

  private MeshTls clientTls;
  private MeshTls serverTls;
  private TlsHttpsBackend server;
  private SSLSocketFactory sockets;
  private HostnameVerifier serverIdCheck;

  @Setup
  public void setUp() throws IOException, GeneralSecurityException {
    TlsFixture fixture = new TlsFixture();
    if (managers.equals("mesh")) {
      clientTls = fixture.meshTls(false);
      serverTls = fixture.meshTls(true);
      MeshTlsServer meshServer = MeshTlsServer.create(serverTls, CallerPolicy.allow(TlsFixture.CLIENT_ID));
      server = TlsHttpsBackend.start(null, meshServer.httpsConfigurator(), meshServer::authorize);
      sockets = clientTls.socketFactory();
      serverIdCheck = TlsFixture.serverIdCheck(clientTls);
    } else {
      server = TlsHttpsBackend.start(fixture.plainContext(true), null, session -> {});
      SSLContext client = fixture.plainContext(false);
      sockets = client.getSocketFactory();
      serverIdCheck = (host, session) -> true;
    }
  }

  @TearDown
  public void tearDown() {
    server.close();
    if (clientTls != null) {
      clientTls.close();
      serverTls.close();
    }
  }

  @Benchmark
  public int full() throws IOException {
    return connect(true);
  }

  @Benchmark
  public int resumed() throws IOException {
    return connect(false);
  }

  private int connect(boolean invalidate) throws IOException {
    try (SSLSocket socket = (SSLSocket) sockets.createSocket(HOST, server.port())) {
      socket.setTcpNoDelay(true);
      socket.setEnabledProtocols(new String[] {"TLSv1.3"});
      socket.startHandshake();
      if (!serverIdCheck.verify(HOST, socket.getSession())) {
        throw new IOException("server identity refused");
      }
      socket.getOutputStream().write(REQUEST);
      socket.getOutputStream().flush();
      // reading the response also reads the server's session ticket, sent before it
      int length = readResponse(socket.getInputStream());
      if (invalidate) {
        socket.getSession().invalidate();
      }
      return length;
    }
  }

  /**
   * Reads one response with a 2-byte body; not to EOF, because the JDK server closes a {@code
   * Connection: close} exchange only on its next selector tick, which would dominate the score.
   */
  private static int readResponse(InputStream in) throws IOException {
    int matched = 0;
    int read = 0;
    while (matched < 4) { // up to the blank line after the headers
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in the response headers");
      }
      read++;
      matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    return read + in.readNBytes(2).length;
  }
}
