package io.mesh4j.spring.boot.internal;

import io.mesh4j.MeshClient;
import io.mesh4j.MeshClosedException;
import okhttp3.OkHttpClient;

/** The OkHttp client Spring's HTTP clients send through: the given one, wrapped by the mesh unless it is already. */
public final class MeshOkHttpClients {

  private MeshOkHttpClients() {}

  /** {@code mesh.wrap(client)}; a client a mesh already wraps is used as it is. */
  public static OkHttpClient throughMesh(MeshClient mesh, OkHttpClient client) {
    try {
      return wrap(mesh, client);
    } catch (IllegalArgumentException alreadyWrapped) {
      // MeshClient#wrap refuses a client that a mesh wraps already: use it as it is
      return client;
    }
  }

  /** {@code mesh.wrap(client)} while beans are created; a closed mesh there is a broken context, not I/O. */
  public static OkHttpClient wrap(MeshClient mesh, OkHttpClient client) {
    try {
      return mesh.wrap(client);
    } catch (MeshClosedException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
