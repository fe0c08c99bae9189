package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mesh4j.MeshClient;
import io.mesh4j.tls.internal.DevCa;
import io.mesh4j.tls.support.TlsFixtures;
import io.mesh4j.tls.support.TlsFixtures.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev CA's default location is per user, not per working directory; chain errors name the directory. */
class DevCaSharingTest {

  static final SpiffeId FRONTEND = SpiffeId.parse("spiffe://mesh.local/frontend");

  @TempDir Path dir;

  @Test
  void processesStartedTogetherFromDifferentWorkingDirectoriesShareOneDefaultCaAndWriteNothingThere()
      throws Exception {
    Path home = dir.resolve("home");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> procs = new ArrayList<>();
    List<Path> workDirs = new ArrayList<>();
    try {
      for (String service : List.of("frontend", "orders", "payments")) {
        Path cwd = Files.createDirectories(dir.resolve("cwd-" + service));
        workDirs.add(cwd);
        procs.add(new ProcessBuilder(java, "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
            DefaultCaClientMain.class.getName(), service)
            .directory(cwd.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start());
      }
      Set<String> issuers = new HashSet<>();
      for (Process p : procs) {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.exitValue()).as(out).isZero();
        issuers.add(out);
      }
      Path caDir = home.resolve(".mesh4j/dev-ca");
      assertThat(issuers).containsExactly(
          DevCa.loadOrCreate(caDir, Instant.now()).certificate().getSubjectX500Principal().getName());
      for (Path cwd : workDirs) {
        try (Stream<Path> files = Files.list(cwd)) {
          assertThat(files).as("written into the working directory %s", cwd).isEmpty();
        }
      }
    } finally {
      procs.forEach(Process::destroyForcibly);
    }
  }

  @Test
  void aPeerFromAnotherDevCaIsRejectedWithAMessageNamingTheCaDirectoryInUseAndTheKey() throws Exception {
    Path ordersCa = dir.resolve("orders-ca");
    Path frontendCa = dir.resolve("frontend-ca");
    try (MeshClient orders = client("orders", ordersCa, Map.of());
        Server server = Server.mesh(orders.extension(MeshTlsExtension.class).orElseThrow()
            .server(CallerPolicy.allow(FRONTEND)));
        MeshClient frontend = client("frontend", frontendCa,
            Map.of("mesh.services.orders.endpoints", "127.0.0.1:" + server.port()))) {
      OkHttpClient http = frontend.wrap(new OkHttpClient());
      assertThatThrownBy(() -> http.newCall(new Request.Builder().url("http://orders/x").build()).execute())
          .hasStackTraceContaining("peer spiffe://mesh.local/orders rejected")
          .hasStackTraceContaining("not signed by the dev CA in " + frontendCa.toAbsolutePath())
          .hasStackTraceContaining("the peer's issuer: " + DevCa.loadOrCreate(ordersCa, Instant.now())
              .certificate().getSubjectX500Principal())
          .hasStackTraceContaining("processes that must trust each other need the same mesh.tls.dev-ca.dir");
      TlsFixtures.shutdown(http);
    }
  }

  @Test
  void withTheSameCaDirectoryTheSameTwoClientsTrustEachOther() throws Exception {
    Path ca = dir.resolve("shared-ca");
    try (MeshClient orders = client("orders", ca, Map.of());
        Server server = Server.mesh(orders.extension(MeshTlsExtension.class).orElseThrow()
            .server(CallerPolicy.allow(FRONTEND)));
        MeshClient frontend = client("frontend", ca, Map.of("mesh.services.orders.endpoints", "127.0.0.1:" + server.port()))) {
      OkHttpClient http = frontend.wrap(new OkHttpClient());
      try (okhttp3.Response r = http.newCall(new Request.Builder().url("http://orders/x").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isEqualTo(FRONTEND.toString());
      }
      TlsFixtures.shutdown(http);
    }
  }

  private static MeshClient client(String service, Path caDir, Map<String, String> props) {
    MeshClient.Builder b = MeshClient.builder().service(service).environment(Map.of())
        .systemProperties(new Properties()).property("mesh.tls.dev-ca.dir", caDir.toString());
    props.forEach(b::property);
    return b.build();
  }

  /** Run in child JVMs: a MeshClient on the default dev CA; prints the issuer of its SVID. */
  public static final class DefaultCaClientMain {
    public static void main(String[] args) {
      try (MeshClient mesh = MeshClient.builder().service(args[0]).environment(Map.of())
          .systemProperties(new Properties()).build()) {
        X509Svid svid = mesh.extension(MeshTlsExtension.class).orElseThrow().source().orElseThrow().svid();
        System.out.println(svid.leaf().getIssuerX500Principal().getName());
      }
    }
  }
}
