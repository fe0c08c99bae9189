package io.mesh4j.discovery.file.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesh4j.config.ServiceConfig;
import io.mesh4j.discovery.Discovery;
import io.mesh4j.discovery.DiscoveryContext;
import io.mesh4j.discovery.DiscoveryListener;
import io.mesh4j.discovery.DiscoveryUpdate;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.testing.LeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each watched service hears as the file changes, below the mesh. */
class FileDiscoveryBackendTest {

  @TempDir Path dir;
  private Path file;
  private FileDiscoveryBackend backend;

  /** Records what one service is told, in order. */
  private static final class Recording implements DiscoveryContext, DiscoveryListener {
    final String service;
    final List<Object> heard = new CopyOnWriteArrayList<>(); // DiscoveryUpdate or Throwable

    Recording(String service) {
      this.service = service;
    }

    @Override
    public String serviceName() {
      return service;
    }

    @Override
    public ServiceConfig config() {
      return ServiceConfig.of(service, Map.of());
    }

    @Override
    public DiscoveryListener listener() {
      return this;
    }

    @Override
    public void onUpdate(DiscoveryUpdate update) {
      heard.add(update);
    }

    @Override
    public void onError(Throwable error) {
      heard.add(error);
    }

    Object last() {
      return heard.isEmpty() ? null : heard.get(heard.size() - 1);
    }
  }

  private void write(String json) throws IOException {
    Files.writeString(file, json);
  }

  private void open() {
    file = file == null ? dir.resolve("endpoints.json") : file;
    backend = FileDiscoveryBackend.open(file, Duration.ofMillis(10), Duration.ofMillis(20), new TestThreads("discovery-file"));
  }

  @AfterEach
  void close() {
    if (backend != null) {
      backend.close();
    }
  }

  private static void awaitLast(Recording r, Object expected) {
    await().atMost(Duration.ofSeconds(5)).until(() -> expected.equals(r.last()));
  }

  private static DiscoveryUpdate sure(Endpoint... endpoints) {
    return DiscoveryUpdate.of(List.of(endpoints)).asAuthoritative();
  }

  @Test
  void eachServiceHearsItsOwnEndpointsOnlyWhenTheyChange() throws IOException {
    file = dir.resolve("endpoints.json");
    write("{\"services\":{\"orders\":[{\"host\":\"127.0.0.1\",\"port\":1}],\"payments\":[{\"host\":\"127.0.0.1\",\"port\":2}]}}");
    open();
    Recording orders = new Recording("orders");
    Recording payments = new Recording("payments");
    backend.watch(orders);
    backend.watch(payments);
    awaitLast(orders, sure(Endpoint.of("127.0.0.1", 1)));
    awaitLast(payments, sure(Endpoint.of("127.0.0.1", 2)));

    write("{\"services\":{\"orders\":[{\"host\":\"127.0.0.1\",\"port\":1}],\"payments\":[{\"host\":\"127.0.0.1\",\"port\":3}]}}");

    awaitLast(payments, sure(Endpoint.of("127.0.0.1", 3)));
    assertThat(orders.heard).as("orders did not change").hasSize(1);
  }

  @Test
  void aServiceTheFileDoesNotListHasNoEndpointsAndTheFileIsSureOfIt() throws IOException {
    file = dir.resolve("endpoints.json");
    write("{\"services\":{\"payments\":[]}}");
    open();
    Recording orders = new Recording("orders");

    backend.watch(orders);

    awaitLast(orders, sure());
    assertThat(((DiscoveryUpdate) orders.last()).authoritative()).isTrue();
  }

  @Test
  void aBrokenFileIsOneErrorForEveryServiceAndTheSameEndpointsAfterwardsAreNewsAgain() throws IOException {
    file = dir.resolve("endpoints.json");
    String good = "{\"services\":{\"orders\":[{\"host\":\"127.0.0.1\",\"port\":1}]}}";
    write(good);
    open();
    Recording orders = new Recording("orders");
    Recording payments = new Recording("payments");
    backend.watch(orders);
    backend.watch(payments);
    awaitLast(orders, sure(Endpoint.of("127.0.0.1", 1)));

    write("{\"services\":{\"orders\":[{\"host\":\"127.0.0.1\",\"port\":1}");

    await().atMost(Duration.ofSeconds(5)).until(() -> orders.last() instanceof EndpointsFileException
        && payments.last() instanceof EndpointsFileException);
    assertThat(((Throwable) orders.last()).getMessage()).startsWith("malformed endpoints file " + file + ", line 1");
    assertThat(orders.last()).as("parsed once for all services").isSameAs(payments.last());

    write(good);

    awaitLast(orders, sure(Endpoint.of("127.0.0.1", 1)));
    awaitLast(payments, sure());
    assertThat(orders.heard).hasSize(3);
  }

  @Test
  void aWatchStartedLaterHearsTheCurrentStateAtOnceAndAClosedOneNothingMore() throws IOException {
    file = dir.resolve("endpoints.json");
    write("{\"services\":{\"orders\":[{\"host\":\"127.0.0.1\",\"port\":1}]}}");
    open();
    Recording first = new Recording("orders");
    Discovery firstWatch = backend.watch(first);
    awaitLast(first, sure(Endpoint.of("127.0.0.1", 1)));

    Recording second = new Recording("orders");
    backend.watch(second);
    awaitLast(second, sure(Endpoint.of("127.0.0.1", 1)));

    firstWatch.close();
    write("{\"services\":{\"orders\":[{\"host\":\"127.0.0.1\",\"port\":2}]}}");
    awaitLast(second, sure(Endpoint.of("127.0.0.1", 2)));
    assertThat(first.heard).hasSize(1);
  }

  @Test
  void aMissingFileIsAnErrorNamingThePath() {
    file = dir.resolve("missing").resolve("endpoints.json");
    open();
    Recording orders = new Recording("orders");

    backend.watch(orders);

    await().atMost(Duration.ofSeconds(5)).until(() -> orders.last() instanceof EndpointsFileException);
    assertThat((Throwable) orders.last()).hasMessage("cannot read endpoints file " + file + ": no such file");
  }

  @Test
  void closeStopsTheWatchThread() throws IOException {
    LeakCheck leaks = LeakCheck.snapshot();
    file = dir.resolve("endpoints.json");
    write("{\"services\":{}}");
    open();
    Recording orders = new Recording("orders");
    backend.watch(orders);
    awaitLast(orders, sure());

    backend.close();

    leaks.assertNoNewMeshThreads();
  }
}
