package io.mesh4j.tls.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One port in front of a TLS backend and a plaintext one, as a backend in the middle of its
 * migration to mTLS would be: it looks at the first byte of each connection (0x16 starts a TLS
 * handshake record) and relays the connection, byte for byte, to the matching backend. So a
 * client can switch between TLS and plaintext without changing the endpoint.
 */
public final class ProtocolSplitter implements AutoCloseable {

  private static final int TLS_HANDSHAKE_RECORD = 0x16;

  private final ServerSocket listener;
  private final int tlsPort;
  private final int plainPort;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-splitter");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tlsConnections = new AtomicInteger();
  private final AtomicInteger plainConnections = new AtomicInteger();

  public ProtocolSplitter(int tlsPort, int plainPort) throws IOException {
    this.tlsPort = tlsPort;
    this.plainPort = plainPort;
    listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.execute(this::acceptLoop);
  }

  public int port() {
    return listener.getLocalPort();
  }

  public int tlsConnections() {
    return tlsConnections.get();
  }

  public int plainConnections() {
    return plainConnections.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        open.add(client);
        threads.execute(() -> relay(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void relay(Socket client) {
    try {
      InputStream in = client.getInputStream();
      int first = in.read();
      if (first < 0) {
        close(client);
        return;
      }
      boolean tls = first == TLS_HANDSHAKE_RECORD;
      (tls ? tlsConnections : plainConnections).incrementAndGet();
      Socket backend = new Socket(InetAddress.getLoopbackAddress(), tls ? tlsPort : plainPort);
      open.add(backend);
      backend.getOutputStream().write(first);
      threads.execute(() -> pump(backend, client));
      pump(client, backend);
    } catch (IOException e) {
      close(client);
    }
  }

  /** Copies until end of stream, then closes both sides (HTTP needs no half-close here). */
  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed or reset: the relay ends
    } finally {
      close(from);
      close(to);
    }
  }

  private void close(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // best effort
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    listener.close();
    open.forEach(this::close);
    threads.shutdownNow();
    threads.awaitTermination(5, TimeUnit.SECONDS);
  }
}
