package io.mesh4j.resilience;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 backend (keep-alive) that holds each request for the time its {@link Reply}
 * says, watching the connection meanwhile: a client that closes it before the answer (a cancelled
 * attempt) is counted as {@link #abandoned()}. What a JDK or mock server cannot tell a test.
 */
final class HoldingBackend implements AutoCloseable {

  /** What to answer to one request, and after how long. */
  record Reply(long delayMillis, int status, String body, List<String> headers) {
    static Reply after(long delayMillis, String body) {
      return new Reply(delayMillis, 200, body, List.of());
    }

    static Reply status(int status, String... headers) {
      return new Reply(0, status, "status " + status, List.of(headers));
    }
  }

  /** Chooses the reply to a request: {@code number} counts from 1 over the backend's life. */
  @FunctionalInterface
  interface Replies {
    Reply reply(int number, String method);
  }

  private final ServerSocket server;
  private final Replies replies;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private HoldingBackend(Replies replies) throws IOException {
    this.replies = replies;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread acceptor = new Thread(this::accept, "holding-backend-" + server.getLocalPort());
    acceptor.setDaemon(true);
    threads.add(acceptor);
    acceptor.start();
  }

  static HoldingBackend start(Replies replies) throws IOException {
    return new HoldingBackend(replies);
  }

  /** Every request answered with {@code body} after {@code delayMillis}. */
  static HoldingBackend answeringAfter(long delayMillis, String body) throws IOException {
    return start((n, method) -> Reply.after(delayMillis, body));
  }

  String endpoint() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted. */
  int connections() {
    return connections.get();
  }

  /** Requests received (their head read). */
  int requests() {
    return requests.get();
  }

  /** Requests answered. */
  int answered() {
    return answered.get();
  }

  /** Requests whose connection the client closed before they were answered. */
  int abandoned() {
    return abandoned.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        sockets.add(socket);
        Thread t = new Thread(() -> serve(socket), "holding-backend-conn");
        t.setDaemon(true);
        threads.add(t);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        String head = readHead(in);
        if (head == null) {
          return; // the client closed an idle connection
        }
        readBody(in, head);
        int number = requests.incrementAndGet();
        String method = head.substring(0, head.indexOf(' '));
        Reply reply = replies.reply(number, method);
        if (!hold(socket, in, reply.delayMillis())) {
          abandoned.incrementAndGet();
          return;
        }
        StringBuilder response = new StringBuilder()
            .append("HTTP/1.1 ").append(reply.status()).append(" X\r\n");
        for (String h : reply.headers()) {
          response.append(h).append("\r\n");
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        response.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(response.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.flush();
        answered.incrementAndGet();
      }
    } catch (IOException e) {
      // a reset while answering: the client went away
    }
  }

  /** Waits {@code millis} watching the connection; false when the client closed it meanwhile. */
  private static boolean hold(Socket socket, InputStream in, long millis) throws IOException {
    long until = System.nanoTime() + millis * 1_000_000;
    while (true) {
      long left = (until - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        socket.setSoTimeout(0);
        return true;
      }
      socket.setSoTimeout((int) Math.max(1, left));
      try {
        if (in.read() < 0) {
          return false;
        }
      } catch (SocketTimeoutException e) {
        // still waiting
      } catch (SocketException e) {
        return false; // reset by the client
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b;
      try {
        b = in.read();
      } catch (SocketException e) {
        return null;
      }
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static void readBody(InputStream in, String head) throws IOException {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        long length = Long.parseLong(line.substring("content-length:".length()).trim());
        for (long i = 0; i < length; i++) {
          if (in.read() < 0) {
            return;
          }
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
