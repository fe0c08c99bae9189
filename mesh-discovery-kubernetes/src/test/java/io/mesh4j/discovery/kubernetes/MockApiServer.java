package io.mesh4j.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1 (plain HTTP), standing in for a cluster
 * (none can run here): the test creates Services and EndpointSlices through its own client, and
 * the mesh finds the server through a kubeconfig written to a temp dir. It can be stopped and
 * started again on the same port with the same objects, like an API server that restarts.
 */
final class MockApiServer implements AutoCloseable {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** The mock server logs every request at INFO through java.util.logging; kept referenced so the level holds. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesCrudDispatcher dispatcher = new NonBlockingCrudDispatcher();
  private KubernetesMockServer server;
  private final int port;
  private final KubernetesClient client;

  MockApiServer() {
    server = newServer();
    server.init(LOOPBACK, 0);
    port = server.getPort();
    client = server.createClient();
  }

  private KubernetesMockServer newServer() {
    return new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
  }

  /** The test's own client, to create and change objects. */
  KubernetesClient client() {
    return client;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The paths of the requests received since the last call (the server records every request). */
  List<String> takeRequestPaths() throws InterruptedException {
    List<String> paths = new ArrayList<>();
    io.fabric8.mockwebserver.http.RecordedRequest r;
    while ((r = server.takeRequest(50, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
      paths.add(r.getPath());
    }
    return paths;
  }

  /** Stops answering: connections are refused. */
  void stop() {
    server.destroy();
  }

  /** Answers again on the same port, with the objects it had. */
  void restart() {
    server = newServer();
    server.init(LOOPBACK, port);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /** A kubeconfig with one context, "mock", whose namespace is {@code namespace}. */
  Path kubeconfig(Path dir, String namespace) throws IOException {
    return writeKubeconfig(dir, url(), namespace);
  }

  static Path writeKubeconfig(Path dir, String url, String namespace) throws IOException {
    Path file = Files.createTempFile(dir, "kubeconfig", ".yaml");
    Files.writeString(file, String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: mock",
        "  cluster:",
        "    server: " + url,
        "contexts:",
        "- name: mock",
        "  context:",
        "    cluster: mock",
        "    user: tester",
        "    namespace: " + namespace,
        "current-context: mock",
        "users:",
        "- name: tester",
        "  user:",
        "    token: not-checked",
        ""), StandardCharsets.UTF_8);
    return file;
  }

  void createNamespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
  }

  /** A Service with these ports ({@code name:port:targetPort}, name may be empty). */
  Service createService(String namespace, String name, String... ports) {
    List<ServicePort> list = new ArrayList<>();
    for (String p : ports) {
      String[] parts = p.split(":", -1);
      ServicePortBuilder b = new ServicePortBuilder().withProtocol("TCP").withPort(Integer.parseInt(parts[1]))
          .withTargetPort(new IntOrString(Integer.parseInt(parts[2])));
      if (!parts[0].isEmpty()) {
        b.withName(parts[0]);
      }
      list.add(b.build());
    }
    Service service = new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withPorts(list).endSpec()
        .build();
    return client.services().inNamespace(namespace).resource(service).create();
  }

  void deleteService(String namespace, String name) {
    client.services().inNamespace(namespace).withName(name).delete();
  }

  /** Creates or replaces an EndpointSlice of {@code service}. */
  void putSlice(String namespace, String slice, String service, List<EndpointPort> ports, List<Endpoint> endpoints) {
    EndpointSlice s = new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(slice)
        .withNamespace(namespace)
        .withLabels(Map.of("kubernetes.io/service-name", service, "endpointslice.kubernetes.io/managed-by", "test"))
        .endMetadata()
        .withAddressType("IPv4")
        .withPorts(ports)
        .withEndpoints(endpoints)
        .build();
    client.discovery().v1().endpointSlices().inNamespace(namespace).resource(s).createOr(existing -> existing.update());
  }

  void deleteSlice(String namespace, String slice) {
    client.discovery().v1().endpointSlices().inNamespace(namespace).withName(slice).delete();
  }

  static EndpointPort port(String name, int number) {
    EndpointPortBuilder b = new EndpointPortBuilder().withPort(number).withProtocol("TCP");
    if (name != null && !name.isEmpty()) {
      b.withName(name);
    }
    return b.build();
  }

  /** A ready endpoint (the backends here all listen on 127.0.0.1: the slice's port tells them apart). */
  static EndpointBuilder endpoint(String address, String pod) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
        .withNewTargetRef().withKind("Pod").withName(pod).withNamespace("default").endTargetRef();
  }

  static Endpoint ready(String address, String pod) {
    return endpoint(address, pod).build();
  }
}
