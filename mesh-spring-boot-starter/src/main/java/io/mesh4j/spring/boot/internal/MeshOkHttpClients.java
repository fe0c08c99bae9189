package io.mesh4j.spring.boot.internal;

import io.mesh4j.MeshClient;
import okhttp3.OkHttpClient;

/** The OkHttp client Spring's HTTP clients send through: the given one, wrapped by the mesh unless it is already. */
public final class MeshOkHttpClients {

  private MeshOkHttpClients() {}

  public static OkHttpClient throughMesh(MeshClient mesh, OkHttpClient client) {
    try {
      return mesh.wrap(client);
    } catch (IllegalArgumentException alreadyWrapped) {
      // MeshClient#wrap refuses a client that a mesh wraps already: use it as it is
      return client;
    }
  }
}
