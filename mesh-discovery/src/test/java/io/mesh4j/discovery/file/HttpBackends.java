package io.mesh4j.discovery.file;

import io.mesh4j.discovery.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** Real HTTP servers on 127.0.0.1 random ports that answer with their name and count what they serve. */
final class HttpBackends implements AutoCloseable {

  private final List<MockWebServer> servers = new ArrayList<>();
  private final Map<String, AtomicInteger> served = new LinkedHashMap<>();

  /** Starts a server answering {@code name}; returns its endpoint. */
  Endpoint start(String name) throws IOException {
    AtomicInteger count = new AtomicInteger();
    MockWebServer server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        count.incrementAndGet();
        return new MockResponse.Builder().body(name).build();
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    servers.add(server);
    served.put(name, count);
    return Endpoint.of("127.0.0.1", server.getPort());
  }

  /** How many requests the server named {@code name} has answered. */
  int served(String name) {
    return served.get(name).get();
  }

  /** Requests answered so far, by server name. */
  Map<String, Integer> servedByName() {
    Map<String, Integer> out = new LinkedHashMap<>();
    served.forEach((name, count) -> out.put(name, count.get()));
    return out;
  }

  @Override
  public void close() {
    servers.forEach(MockWebServer::close);
  }
}
