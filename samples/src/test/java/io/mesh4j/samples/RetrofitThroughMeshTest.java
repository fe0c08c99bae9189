package io.mesh4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mesh4j.MeshClient;
import io.mesh4j.testing.LeakCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttp;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import retrofit2.Call;
import retrofit2.Callback;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.scalars.ScalarsConverterFactory;
import retrofit2.http.Body;
import retrofit2.http.GET;
import retrofit2.http.POST;
import retrofit2.http.Path;

/**
 * Retrofit on a mesh-wrapped OkHttpClient, with the dependencies docs/okhttp-and-retrofit.md tells a
 * Maven user to write (Retrofit 3.0.0 with its okhttp 4 excluded): calls to {@code http://orders/}
 * reach the real backends of the "orders" service, judged by what the backends saw.
 */
class RetrofitThroughMeshTest {

  /** What the application declares: a Retrofit interface, nothing mesh-specific. */
  interface OrdersApi {
    @GET("items/{id}")
    Call<String> item(@Path("id") String id);

    @POST("items")
    Call<String> create(@Body String order);
  }

  private final Backend a = new Backend("a");
  private final Backend b = new Backend("b");
  private final LeakCheck leaks = LeakCheck.snapshot();

  @BeforeEach
  void start() throws IOException {
    a.start();
    b.start();
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  private MeshClient mesh() {
    return MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.tls.mode", "disabled")
        .property("mesh.services.orders.endpoints", a.endpoint() + "," + b.endpoint())
        .property("mesh.services.orders.lb", "round-robin")
        .build();
  }

  private static OrdersApi orders(MeshClient mesh) throws java.io.IOException {
    return new Retrofit.Builder()
        .baseUrl("http://orders/")
        .client(mesh.wrap(new OkHttpClient()))
        .addConverterFactory(ScalarsConverterFactory.create())
        .build()
        .create(OrdersApi.class);
  }

  @Test
  void retrofitCallsReachTheServicesBackendsThroughTheMesh() throws Exception {
    try (MeshClient mesh = mesh()) {
      OrdersApi orders = orders(mesh);
      for (int i = 0; i < 10; i++) {
        Response<String> item = orders.item(String.valueOf(i)).execute();
        assertThat(item.code()).isEqualTo(200);
        assertThat(item.body()).matches("[ab] GET /items/" + i);
      }
      Response<String> created = orders.create("one book").execute();
      assertThat(created.body()).endsWith("POST /items one book");
    }

    assertThat(a.served.get() + b.served.get()).as("requests the backends saw").isEqualTo(11);
    assertThat(a.served.get()).as("backend a's share").isPositive();
    assertThat(b.served.get()).as("backend b's share").isPositive();
    assertThat(allRequests()).contains("GET /items/0", "GET /items/9", "POST /items one book");
    leaks.assertNoNewMeshThreads();
  }

  @Test
  void asynchronousRetrofitCallsGoThroughTheMeshToo() throws Exception {
    try (MeshClient mesh = mesh()) {
      CompletableFuture<String> answer = new CompletableFuture<>();
      orders(mesh)
          .item("42")
          .enqueue(
              new Callback<>() {
                @Override
                public void onResponse(Call<String> call, Response<String> response) {
                  answer.complete(response.code() + " " + response.body());
                }

                @Override
                public void onFailure(Call<String> call, Throwable t) {
                  answer.completeExceptionally(t);
                }
              });
      assertThat(answer.get(10, TimeUnit.SECONDS)).matches("200 [ab] GET /items/42");
    }
    assertThat(allRequests()).containsExactly("GET /items/42");
  }

  @Test
  void theClasspathHasOneOkHttpAndItIsOkHttp5() throws IOException {
    List<URL> copies =
        Collections.list(getClass().getClassLoader().getResources("okhttp3/OkHttpClient.class"));
    assertThat(copies).as("jars with okhttp3.OkHttpClient").hasSize(1);
    assertThat(copies.get(0).toString()).contains("okhttp-jvm");
    assertThat(OkHttp.VERSION).startsWith("5.");
  }

  private List<String> allRequests() {
    List<String> all = new java.util.ArrayList<>(a.requests);
    all.addAll(b.requests);
    return all;
  }

  /** A plaintext JDK HttpServer on 127.0.0.1 that answers "name METHOD path [body]" and counts. */
  private static final class Backend implements AutoCloseable {
    private final String name;
    private final AtomicInteger served = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    private HttpServer server;

    Backend(String name) {
      this.name = name;
    }

    void start() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
      server.createContext("/", this::handle);
      server.start();
    }

    String endpoint() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String seen =
          exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + (body.isEmpty() ? "" : " " + body);
      requests.add(seen);
      served.incrementAndGet();
      byte[] answer = (name + " " + seen).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }

    @Override
    public void close() {
      if (server != null) {
        server.stop(0);
      }
    }
  }
}
