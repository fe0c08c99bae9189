package io.mesh4j.discovery.dns;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Real HTTP backends for the tests: MockWebServers answering 200 with their address, counted.
 * A and AAAA records carry no port, so the backends of an A-record service listen on several
 * loopback addresses (127.0.0.2, 127.0.0.3, ...) at one port.
 */
final class HttpBackends implements AutoCloseable {

  final List<MockWebServer> servers = new ArrayList<>();

  /** One backend per address, all on the same port. */
  static HttpBackends onAddresses(String... addresses) throws IOException {
    BindException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      int port = io.mesh4j.testing.ExternalProcess.freePort();
      HttpBackends b = new HttpBackends();
      try {
        for (String a : addresses) {
          b.add(a, port);
        }
        return b;
      } catch (BindException e) {
        b.close(); // the port was free on 127.0.0.1 but not on another address: try another
        last = e;
      }
    }
    throw last;
  }

  /** {@code count} backends on 127.0.0.1, each on a port of its own. */
  static HttpBackends onPorts(int count) throws IOException {
    HttpBackends b = new HttpBackends();
    for (int i = 0; i < count; i++) {
      b.add("127.0.0.1", 0);
    }
    return b;
  }

  private void add(String address, int port) throws IOException {
    MockWebServer s = new MockWebServer();
    s.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).body(address + ":" + s.getPort()).build();
      }
    });
    servers.add(s);
    s.start(InetAddress.getByName(address), port);
  }

  MockWebServer get(int i) {
    return servers.get(i);
  }

  int port(int i) {
    return servers.get(i).getPort();
  }

  /** Requests each backend received so far, in order. */
  List<Integer> counts() {
    return servers.stream().map(MockWebServer::getRequestCount).toList();
  }

  int count(int i) {
    return servers.get(i).getRequestCount();
  }

  @Override
  public void close() {
    servers.forEach(MockWebServer::close);
  }
}
