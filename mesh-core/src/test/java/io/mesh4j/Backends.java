package io.mesh4j;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** Real local HTTP backends for tests: MockWebServers on 127.0.0.1, port 0. */
final class Backends implements AutoCloseable {

  final List<MockWebServer> servers = new ArrayList<>();

  static Backends start(int count, Dispatcher dispatcher) throws IOException {
    return start(count, server -> dispatcher);
  }

  static Backends start(int count, java.util.function.Function<MockWebServer, Dispatcher> dispatchers)
      throws IOException {
    Backends b = new Backends();
    for (int i = 0; i < count; i++) {
      MockWebServer s = new MockWebServer();
      s.setDispatcher(dispatchers.apply(s));
      s.start(InetAddress.getByName("127.0.0.1"), 0);
      b.servers.add(s);
    }
    return b;
  }

  /** Backends that all answer every request with {@code response}. */
  static Backends answering(int count, MockResponse response) throws IOException {
    return start(
        count,
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return response;
          }
        });
  }

  /** Each backend answers 200 with a body naming its port. */
  static Backends naming(int count) throws IOException {
    return start(
        count,
        server ->
            new Dispatcher() {
              @Override
              public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().code(200).body("port=" + server.getPort()).build();
              }
            });
  }

  /** The value for {@code mesh.services.X.endpoints}. */
  String endpoints() {
    return servers.stream()
        .map(s -> "127.0.0.1:" + s.getPort())
        .collect(Collectors.joining(","));
  }

  @Override
  public void close() {
    servers.forEach(MockWebServer::close);
  }
}
