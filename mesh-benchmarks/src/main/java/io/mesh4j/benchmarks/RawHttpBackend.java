package io.mesh4j.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny HTTP/1.1 keep-alive responder on 127.0.0.1: one thread per connection, every request
 * answered {@code 200 ok} from a pre-built byte array. Why not MockWebServer or the JDK server:
 * their per-request cost and jitter would hide the client-side overhead being measured. It reads
 * a request's headers (and a Content-Length body, if any) and nothing else; only for benchmarks.
 * Plaintext ({@link #start()}) or TLS 1.3 requiring a client certificate ({@link #startTls}): then
 * its per-request cost is the JDK's record layer and the header scan.
 */
final class RawHttpBackend implements AutoCloseable {

  private static final byte[] RESPONSE =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
          .getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

  private RawHttpBackend(ServerSocket server) {
    this.server = server;
    this.acceptor = new Thread(this::acceptLoop, "raw-backend-accept-" + port());
    this.acceptor.setDaemon(true);
  }

  static RawHttpBackend start() throws IOException {
    return listen(new ServerSocket());
  }

  /** Mutual TLS: TLS 1.3 only, a client certificate required. */
  static RawHttpBackend startTls(javax.net.ssl.SSLContext context) throws IOException {
    javax.net.ssl.SSLServerSocket server =
        (javax.net.ssl.SSLServerSocket) context.getServerSocketFactory().createServerSocket();
    server.setNeedClientAuth(true);
    server.setEnabledProtocols(new String[] {"TLSv1.3"});
    return listen(server);
  }

  private static RawHttpBackend listen(ServerSocket server) throws IOException {
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    RawHttpBackend backend = new RawHttpBackend(server);
    backend.acceptor.start();
    return backend;
  }

  int port() {
    return server.getLocalPort();
  }

  /** {@code 127.0.0.1:port}, as an endpoint spec. */
  String authority() {
    return "127.0.0.1:" + port();
  }

  /** Connections accepted so far: a check that clients reuse kept-alive connections. */
  int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        socket.setTcpNoDelay(true); // one write per response; do not wait for the delayed ACK
        connections.add(socket);
        accepted.incrementAndGet();
        Thread t = new Thread(() -> serve(socket), "raw-backend-conn");
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
      while (true) {
        long bodyLength = readHead(in);
        if (bodyLength < 0) {
          return; // client closed the connection
        }
        in.skipNBytes(bodyLength);
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

  /** Reads one request head; returns its Content-Length (0 if none), or -1 at end of stream. */
  private static long readHead(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder(64);
    long contentLength = 0;
    boolean first = true;
    while (true) {
      int c = in.read();
      if (c < 0) {
        return -1;
      }
      if (c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
        continue;
      }
      if (line.length() == 0) {
        return first ? -1 : contentLength;
      }
      if (line.length() > 15 && line.substring(0, 15).toLowerCase(Locale.ROOT).equals("content-length:")) {
        contentLength = Long.parseLong(line.substring(15).trim());
      }
      first = false;
      line.setLength(0);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : connections) {
      s.close();
    }
  }
}
