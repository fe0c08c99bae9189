package io.mesh4j.discovery.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A minimal DNS server over real UDP, for the one answer dnsmasq cannot be made to give on demand:
 * SERVFAIL. It answers A queries with the addresses it is given (TTL 1) and AAAA queries with
 * nothing, or every query with the rcode it is told to fail with.
 */
final class ScriptedDnsServer implements AutoCloseable {

  private final DatagramSocket socket;
  private final Thread thread;
  private volatile List<String> addresses = List.of();
  private volatile int failWith = Rcode.NOERROR;

  ScriptedDnsServer() throws SocketException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    thread = new Thread(this::serve, "scripted-dns");
    thread.setDaemon(true);
    thread.start();
  }

  String server() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  void answer(String... ipv4) {
    addresses = List.of(ipv4);
    failWith = Rcode.NOERROR;
  }

  void fail(int rcode) {
    failWith = rcode;
  }

  private void serve() {
    byte[] buffer = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket in = new DatagramPacket(buffer, buffer.length);
        socket.receive(in);
        Message query = new Message(java.util.Arrays.copyOf(buffer, in.getLength()));
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.RA);
        reply.addRecord(query.getQuestion(), Section.QUESTION);
        int rcode = failWith;
        reply.getHeader().setRcode(rcode);
        Name name = query.getQuestion().getName();
        if (rcode == Rcode.NOERROR && query.getQuestion().getType() == Type.A) {
          for (String a : addresses) {
            reply.addRecord(new ARecord(name, DClass.IN, 1, InetAddress.getByName(a)), Section.ANSWER);
          }
        }
        byte[] out = reply.toWire();
        socket.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
      } catch (IOException e) {
        // closed, or a malformed query: go on until closed
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(5000);
  }
}
