package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mesh4j.time.MeshClock;
import io.mesh4j.tls.internal.DevCa;
import io.mesh4j.tls.support.TestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCaTest {

  @TempDir Path dir;

  @Test
  void anExpiredCaFailsTheStartNamingItsDirectoryInsteadOfIssuingSvidsThatEndBeforeTheyStart() {
    Path caDir = dir.resolve("old-ca");
    Instant created = Instant.now().minus(Duration.ofDays(3651)); // CA validity is 3650 days
    DevCa.loadOrCreate(caDir, created);

    assertThatThrownBy(() -> DevCa.loadOrCreate(caDir, Instant.now()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dev-ca: the CA in " + caDir)
        .hasMessageContaining("not now")
        .hasMessageContaining("delete ca.pem and ca-key.pem in " + caDir);
  }

  @Test
  void aDamagedCaFileFailsTheStartNamingTheFileAndHowToStartOver() throws Exception {
    Path caDir = dir.resolve("damaged-ca");
    DevCa.loadOrCreate(caDir, Instant.now());
    Path cert = caDir.resolve(DevCa.CERT_FILE);
    String pem = Files.readString(cert);
    Files.writeString(cert, pem.substring(0, pem.length() / 2)); // a half-written file

    assertThatThrownBy(() -> DevCa.loadOrCreate(caDir, Instant.now()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dev-ca: the CA in " + caDir + " cannot be read")
        .hasMessageContaining(cert.toString())
        .hasMessageContaining("delete ca.pem and ca-key.pem in " + caDir);
  }

  @Test
  void concurrentFirstStartFromManyThreadsYieldsOneCa() throws Exception {
    Path caDir = dir.resolve("ca");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Callable<String> c = () -> DevCa.loadOrCreate(caDir, Instant.now()).certificate().getSerialNumber().toString(16);
      results.add(pool.submit(c));
    }
    Set<String> serials = new HashSet<>();
    for (Future<String> f : results) {
      serials.add(f.get(30, TimeUnit.SECONDS));
    }
    pool.shutdown();
    assertThat(serials).hasSize(1);
    try (var files = Files.list(caDir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ca.pem", "ca-key.pem", ".lock");
    }
  }

  @Test
  void concurrentFirstStartFromSeveralProcessesYieldsOneCa() throws Exception {
    Path caDir = dir.resolve("shared-ca");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> procs = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        procs.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            DevCaProcessMain.class.getName(), caDir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start());
      }
      Set<String> serials = new HashSet<>();
      for (Process p : procs) {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        serials.add(new String(p.getInputStream().readAllBytes()).trim());
      }
      assertThat(serials).hasSize(1).doesNotContain("");
      assertThat(serials).containsExactly(DevCa.loadOrCreate(caDir, Instant.now()).certificate().getSerialNumber().toString(16));
    } finally {
      procs.forEach(Process::destroyForcibly);
    }
  }

  @Test
  void keyFileIsOwnerReadWriteOnly() throws Exception {
    DevCa.loadOrCreate(dir, Instant.now());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca-key.pem")))).isEqualTo("rw-------");
    assertThat(Files.readString(dir.resolve("ca-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(dir.resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void createsTheCaDirectoryForItsOwnerOnlyAndTheKeyFile0600() throws Exception {
    Path caDir = dir.resolve("team/ca");
    DevCa.loadOrCreate(caDir, Instant.now());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir.resolve("ca-key.pem"))))
        .isEqualTo("rw-------");
  }

  @Test
  void refusesToStartWithACaKeyGroupOrOthersCanReadOrWriteNamingTheFileItsModeAndTheFix() throws Exception {
    Path caDir = dir.resolve("ca");
    DevCa.loadOrCreate(caDir, Instant.now());
    Path key = caDir.resolve("ca-key.pem");
    Map<String, String> modes = Map.of("rw-r--r--", "0644", "rw-rw----", "0660", "rw----r--", "0604", "rw-----w-", "0602");
    for (Map.Entry<String, String> m : modes.entrySet()) {
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(m.getKey()));
      ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
      try {
        assertThatThrownBy(() -> X509Sources.devCa(caDir, SpiffeId.parse("spiffe://example.org/orders"),
                Duration.ofHours(1), scheduler, MeshClock.SYSTEM))
            .as(m.getKey())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(key + " has mode " + m.getValue())
            .hasMessageContaining("chmod 600 " + key);
      } finally {
        scheduler.shutdownNow();
      }
    }
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertThat(DevCa.loadOrCreate(caDir, Instant.now()).certificate()).isNotNull();
  }

  @Test
  void aMeshClientOnAnExposedCaKeyFailsAtStartupWithTheFix() throws Exception {
    Path caDir = dir.resolve("ca");
    DevCa.loadOrCreate(caDir, Instant.now());
    Path key = caDir.resolve("ca-key.pem");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> io.mesh4j.MeshClient.builder().service("frontend").environment(Map.of())
            .systemProperties(new java.util.Properties())
            .property("mesh.tls.dev-ca.dir", caDir.toString()).build().close())
        .isInstanceOf(io.mesh4j.MeshException.class)
        .hasMessageContaining("module mesh-tls failed to start: dev-ca: the CA private key " + key + " has mode 0644")
        .hasMessageEndingWith("Fix: chmod 600 " + key);
  }

  @Test
  void aCaKeyThatDoesNotMatchTheCaCertificateFailsTheStartNamingBothFiles() throws Exception {
    Path caDir = dir.resolve("ca");
    Path other = dir.resolve("other");
    DevCa.loadOrCreate(caDir, Instant.now());
    DevCa.loadOrCreate(other, Instant.now());
    Files.copy(other.resolve("ca-key.pem"), caDir.resolve("ca-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    try {
      assertThatThrownBy(() -> X509Sources.devCa(caDir, SpiffeId.parse("spiffe://example.org/orders"),
              Duration.ofHours(1), scheduler, MeshClock.SYSTEM))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("dev-ca: " + caDir.resolve("ca-key.pem") + " does not match " + caDir.resolve("ca.pem"));
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void aCaDirectoryThatCannotBeCreatedFailsTheStartNamingItAndTheKey() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
    Path caDir = notADirectory.resolve("ca");
    assertThatThrownBy(() -> io.mesh4j.MeshClient.builder().service("frontend").environment(Map.of())
            .systemProperties(new java.util.Properties())
            .property("mesh.tls.dev-ca.dir", caDir.toString()).build().close())
        .isInstanceOf(io.mesh4j.MeshException.class)
        .hasMessageContaining("dev-ca: cannot create or read the CA in " + caDir)
        .hasMessageContaining("set mesh.tls.dev-ca.dir to a directory this user can write");
  }

  @Test
  void issuesAnSvidForTheServiceWithBothExtendedKeyUsages() throws Exception {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    try (X509Source src = X509Sources.devCa(dir, SpiffeId.parse("spiffe://example.org/orders"), Duration.ofHours(1), scheduler, MeshClock.SYSTEM)) {
      X509Svid svid = src.svid();
      assertThat(svid.spiffeId()).hasToString("spiffe://example.org/orders");
      assertThat(svid.leaf().getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
      assertThat(svid.leaf().getPublicKey().getAlgorithm()).isEqualTo("EC");
      assertThat(Duration.between(Instant.now(), svid.notAfter())).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
      assertThat(src.bundles().forTrustDomain(TrustDomain.parse("example.org"))).isPresent();
      assertThat(src.status().secondsToExpiry()).isBetween(3500L, 3600L);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void rotatesAtHalfLifeAndReportsIt() throws Exception {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    try (X509Source src = X509Sources.devCa(dir, SpiffeId.parse("spiffe://example.org/orders"), Duration.ofSeconds(3), scheduler, MeshClock.SYSTEM)) {
      List<SvidStatus> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      src.addStatusListener(seen::add);
      List<TlsMaterial> updates = new java.util.concurrent.CopyOnWriteArrayList<>();
      src.addListener(updates::add); // replayed at once
      assertThat(updates).hasSize(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> src.status().rotations() >= 2);
      assertThat(updates.size()).isGreaterThanOrEqualTo(3);
      assertThat(seen).isNotEmpty();
      assertThat(src.status().renewalFailures()).isZero();
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void closingTheModuleLeavesNoTimerAndNoMesh4jThread() throws Exception {
    var module = new TlsModule();
    var config = TestMeshConfigs.of(module.globalKeys(), module.serviceKeys(),
        Map.of("mesh.service", "frontend", "mesh.tls.dev-ca.dir", dir.toString(), "mesh.tls.svid-ttl", "2s"), Map.of());
    TestContext ctx = new TestContext(config);
    ScheduledThreadPoolExecutor scheduler = (ScheduledThreadPoolExecutor) ctx.scheduler();
    var ext = module.create(ctx);
    assertThat(scheduler.getQueue()).isNotEmpty();
    ext.close();
    ext.close(); // idempotent
    assertThat(scheduler.getQueue()).isEmpty();
    ctx.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("mesh4j-")));
  }

  /** Run in child JVMs: creates or loads the CA and prints its serial. */
  public static final class DevCaProcessMain {
    public static void main(String[] args) {
      System.out.println(DevCa.loadOrCreate(Path.of(args[0]), Instant.now()).certificate().getSerialNumber().toString(16));
    }
  }
}
