package it.mesh4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.mesh4j.MeshClient;
import java.util.Map;
import java.util.Properties;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class OldOkHttpFirstTest {

  @Test
  void creatingAMeshClientFailsAtOnceNamingTheOkHttp4Jar() {
    // the premise: OkHttp 4's classes won
    String jar = OkHttpClient.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    assertThat(jar).endsWith("okhttp-4.12.0.jar");

    Throwable thrown = catchThrowable(() -> MeshClient.builder().service("frontend")
        .environment(Map.of()).systemProperties(new Properties())
        .property("mesh.services.orders.endpoints", "127.0.0.1:9")
        .build().close());

    // By name: the exception type is mesh-core's (an unchecked MeshException), and this project
    // compiles against any mesh-core. A NoSuchMethodError or any other failure fails here.
    assertThat(thrown).as("creating a MeshClient with OkHttp 4 first on the classpath must fail at once").isNotNull();
    assertThat(thrown.getClass().getName()).as("%s", thrown).isEqualTo("io.mesh4j.IncompatibleOkHttpException");
    assertThat(thrown).isInstanceOf(RuntimeException.class)
        .hasMessageContaining("needs OkHttp 5")
        .hasMessageContaining("okhttp-4.12.0.jar");
  }
}
