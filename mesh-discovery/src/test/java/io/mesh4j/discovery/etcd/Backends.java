package io.mesh4j.discovery.etcd;

import io.mesh4j.discovery.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** Real local HTTP backends: MockWebServers on 127.0.0.1, each answering 200 with "port=<its port>". */
final class Backends implements AutoCloseable {

  final List<MockWebServer> servers = new ArrayList<>();

  static Backends start(int count) throws IOException {
    Backends b = new Backends();
    for (int i = 0; i < count; i++) {
      MockWebServer s = new MockWebServer();
      s.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse.Builder().code(200).body("port=" + s.getPort()).build();
        }
      });
      s.start(InetAddress.getByName("127.0.0.1"), 0);
      b.servers.add(s);
    }
    return b;
  }

  Endpoint endpoint(int i) {
    return Endpoint.of("127.0.0.1", servers.get(i).getPort());
  }

  /** What a request answered by backend {@code i} reads. */
  String answer(int i) {
    return "port=" + servers.get(i).getPort();
  }

  int requests(int i) {
    return servers.get(i).getRequestCount();
  }

  @Override
  public void close() {
    servers.forEach(MockWebServer::close);
  }
}
