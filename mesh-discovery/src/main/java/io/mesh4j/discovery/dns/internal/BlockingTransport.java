package io.mesh4j.discovery.dns.internal;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.io.IoClientFactory;
import org.xbill.DNS.io.TcpIoClient;
import org.xbill.DNS.io.UdpIoClient;

/**
 * dnsjava's network I/O done on the calling thread (one of the backend's own threads) with plain
 * blocking sockets. dnsjava's default transport runs every query on one JVM-wide selector thread
 * ("dnsjava NIO selector") that no client owns and none can stop; with this one, a query lives on
 * a {@code mesh4j-discovery-dns-N} thread and {@link #close()} ends every query under way, so
 * nothing outlives the client.
 */
final class BlockingTransport implements IoClientFactory, Closeable {

  private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  @Override
  public UdpIoClient createOrGetUdpClient() {
    return (local, remote, query, data, max, timeout) -> complete(() -> udp(local, remote, data, max, timeout));
  }

  @Override
  public TcpIoClient createOrGetTcpClient() {
    return (local, remote, query, data, timeout) -> complete(() -> tcp(local, remote, data, timeout));
  }

  /** Closes the sockets of queries under way: their threads see an exception at once. */
  @Override
  public void close() {
    closed = true;
    for (Closeable c : open) {
      closeQuietly(c);
    }
  }

  private interface Exchange {
    byte[] run() throws IOException;
  }

  private static CompletableFuture<byte[]> complete(Exchange exchange) {
    try {
      return CompletableFuture.completedFuture(exchange.run());
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private byte[] udp(InetSocketAddress local, InetSocketAddress remote, byte[] data, int max, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (DatagramSocket socket = new DatagramSocket(local != null ? local : new InetSocketAddress(0))) {
      track(socket);
      try {
        socket.connect(remote); // only the server's answers are received; ICMP "unreachable" surfaces
        socket.send(new DatagramPacket(data, data.length));
        byte[] buffer = new byte[Math.max(max, 512)];
        while (true) {
          socket.setSoTimeout(remainingMillis(deadline, timeout));
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          socket.receive(packet);
          // a late answer to an earlier query of this socket cannot happen (a fresh socket per
          // query), but a stray or spoofed datagram could: wait for the one with our id
          if (packet.getLength() >= 2 && buffer[0] == data[0] && buffer[1] == data[1]) {
            return java.util.Arrays.copyOf(buffer, packet.getLength());
          }
        }
      } finally {
        open.remove(socket);
      }
    }
  }

  private byte[] tcp(InetSocketAddress local, InetSocketAddress remote, byte[] data, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket socket = new Socket()) {
      track(socket);
      try {
        if (local != null) {
          socket.bind(local);
        }
        socket.connect(remote, remainingMillis(deadline, timeout));
        socket.setSoTimeout(remainingMillis(deadline, timeout));
        OutputStream out = socket.getOutputStream();
        byte[] framed = new byte[data.length + 2];
        framed[0] = (byte) (data.length >>> 8);
        framed[1] = (byte) data.length;
        System.arraycopy(data, 0, framed, 2, data.length);
        out.write(framed);
        out.flush();
        InputStream in = socket.getInputStream();
        DataInputStream din = new DataInputStream(in);
        int length = din.readUnsignedShort();
        byte[] answer = new byte[length];
        din.readFully(answer);
        return answer;
      } finally {
        open.remove(socket);
      }
    }
  }

  private void track(Closeable socket) throws IOException {
    open.add(socket);
    if (closed) {
      throw new IOException("the DNS resolver is closed");
    }
  }

  private static int remainingMillis(long deadlineNanos, Duration timeout) throws SocketTimeoutException {
    long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new SocketTimeoutException("timed out after " + timeout.toMillis() + "ms");
    }
    return (int) Math.min(left, Integer.MAX_VALUE);
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing to interrupt: nothing to do about a failure
    }
  }
}
