package io.mesh4j.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * {@link RawHttpBackend}'s TLS twin: a TLS 1.3 server socket on 127.0.0.1 that requires a client
 * certificate, one thread per kept-alive connection, every request answered {@code 200 ok} from
 * one byte array. Its per-request cost is the JDK's record layer and a header scan, so the
 * client's work dominates a score; the JDK HttpsServer's would hide it.
 */
final class RawTlsBackend implements AutoCloseable {

  private static final byte[] RESPONSE =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
          .getBytes(StandardCharsets.US_ASCII);

  private final SSLServerSocket server;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();

  private RawTlsBackend(SSLServerSocket server) {
    this.server = server;
  }

  static RawTlsBackend start(SSLContext context) throws IOException {
    SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
    server.setNeedClientAuth(true);
    server.setEnabledProtocols(new String[] {"TLSv1.3"});
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    RawTlsBackend backend = new RawTlsBackend(server);
    Thread acceptor = new Thread(backend::acceptLoop, "raw-tls-backend-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
    return backend;
  }

  /** {@code 127.0.0.1:port}, as an endpoint spec. */
  String authority() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Connections accepted so far: a check that clients reuse kept-alive connections. */
  int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        socket.setTcpNoDelay(true);
        connections.add(socket);
        accepted.incrementAndGet();
        Thread t = new Thread(() -> serve(socket), "raw-tls-backend-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket;
        InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
        OutputStream out = socket.getOutputStream()) {
      while (skipHead(in)) {
        out.write(RESPONSE);
        out.flush();
      }
    } catch (SocketException e) {
      // reset by the client or closed by close(): normal at the end of a run
    } catch (IOException e) {
      // a failed handshake or a malformed request ends this connection only
    } finally {
      connections.remove(socket);
    }
  }

  /** Reads up to the blank line ending a request head (GETs only); false at end of stream. */
  private static boolean skipHead(InputStream in) throws IOException {
    int matched = 0; // of \r\n\r\n
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        return false;
      }
      matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : connections) {
      s.close();
    }
  }
}
