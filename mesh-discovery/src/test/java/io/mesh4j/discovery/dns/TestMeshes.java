package io.mesh4j.discovery.dns;

import io.mesh4j.MeshClient;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Mesh clients as an application builds them, isolated from the machine's environment. */
final class TestMeshes {

  private TestMeshes() {}

  static MeshClient.Builder builder(Map<String, String> properties) {
    MeshClient.Builder b = MeshClient.builder().service("frontend").environment(Map.of())
        .systemProperties(new Properties());
    properties.forEach(b::property);
    return b;
  }

  static MeshClient start(Map<String, String> properties) {
    return builder(properties).build();
  }

  static OkHttpClient http(MeshClient mesh) throws io.mesh4j.MeshClosedException {
    return mesh.wrap(new OkHttpClient.Builder().callTimeout(10, TimeUnit.SECONDS).build());
  }

  /** Calls the service once; returns the body (the backend's address) or throws. */
  static String call(OkHttpClient http, String service) throws Exception {
    try (Response r = http.newCall(new Request.Builder().url("http://" + service + "/").build()).execute()) {
      if (r.code() != 200) {
        throw new AssertionError("HTTP " + r.code());
      }
      return r.body().string();
    }
  }

  static void shutdown(OkHttpClient http) {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
