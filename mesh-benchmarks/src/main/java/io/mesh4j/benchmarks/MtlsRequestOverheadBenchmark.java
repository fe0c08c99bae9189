package io.mesh4j.benchmarks;

import io.mesh4j.MeshClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One GET over a kept-alive TLS 1.3 mutual-TLS connection on loopback to {@link RawHttpBackend} (TLS)
 * (JDK default managers, client certificate required, answers from a byte array), with the same
 * EC P-256 certificates on every path:
 *
 * <ul>
 *   <li>{@link #rawJsse}: OkHttp with an SSLContext a user would build from the same files (the
 *       JDK's default key manager over a PKCS12 store of the client SVID, PKIX trust in the root)
 *       and a HostnameVerifier accepting the server's URI SAN, {@code spiffe://example.org/orders};
 *   <li>{@link #meshTls}: a MeshClient with mesh-tls (files source over the same PEM files,
 *       {@code strict}), resilience and tracing kept out;
 *   <li>{@link #meshTlsAll}: a MeshClient with every module on the classpath: tracing with the
 *       global no-op OpenTelemetry, resilience with its defaults, mesh-tls as above.
 * </ul>
 *
 * The difference to {@link #rawJsse} is what the mesh adds per request to an mTLS call; the
 * backend runs in this JVM, so with {@code -prof gc} its allocation is in every score alike.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class MtlsRequestOverheadBenchmark {

  private RawHttpBackend backend;
  private Path files;
  private OkHttpClient raw;
  private MeshClient meshTls;
  private MeshClient meshAll;
  private OkHttpClient meshTlsHttp;
  private OkHttpClient meshAllHttp;
  private Request directRequest;
  private Request meshRequest;

  @Setup
  public void setUp() throws IOException, GeneralSecurityException {
    TlsFixture fixture = new TlsFixture();
    backend = RawHttpBackend.startTls(fixture.plainContext(true));
    files = Files.createTempDirectory("mesh4j-mtls-bench");
    fixture.writeClientFiles(files);
    raw = rawJsseClient(fixture);
    meshTls = meshBuilder(true).build();
    meshAll = meshBuilder(false).build();
    OkHttpClient plain = new OkHttpClient();
    meshTlsHttp = meshTls.wrap(plain);
    meshAllHttp = meshAll.wrap(plain);
    directRequest = new Request.Builder().url("https://" + backend.authority() + "/items/42").build();
    meshRequest = new Request.Builder().url("http://" + BenchMesh.SERVICE + "/items/42").build();
  }

  /** What a user writes for mTLS with OkHttp alone: JDK managers and a check of the server's SAN. */
  private static OkHttpClient rawJsseClient(TlsFixture fixture) throws IOException, GeneralSecurityException {
    SSLContext context = fixture.plainContext(false);
    KeyStore roots = KeyStore.getInstance("PKCS12");
    roots.load(null, null);
    roots.setCertificateEntry("root", fixture.root());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(roots);
    X509TrustManager trust = (X509TrustManager) tmf.getTrustManagers()[0];
    return new OkHttpClient.Builder()
        .sslSocketFactory(context.getSocketFactory(), trust)
        .hostnameVerifier(uriSan(TlsFixture.SERVER_ID.toString()))
        .build();
  }

  /** Accepts a server whose leaf has {@code uri} as a URI subject alternative name. */
  private static HostnameVerifier uriSan(String uri) {
    return (String host, SSLSession session) -> {
      try {
        X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
        Collection<List<?>> names = leaf.getSubjectAlternativeNames();
        return names != null && names.stream().anyMatch(n -> Integer.valueOf(6).equals(n.get(0)) && uri.equals(n.get(1)));
      } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
        return false;
      }
    };
  }

  private MeshClient.Builder meshBuilder(boolean tlsOnly) {
    MeshClient.Builder b = MeshClient.builder()
        .service("frontend")
        .environment(Map.of())
        .systemProperties(new Properties())
        .property("mesh.trust-domain", TlsFixture.TRUST_DOMAIN)
        .property("mesh.tls.source", "files")
        .property("mesh.tls.files.cert", files.resolve("svid.pem").toString())
        .property("mesh.tls.files.key", files.resolve("svid_key.pem").toString())
        .property("mesh.tls.files.bundle", files.resolve("bundle.pem").toString())
        .property("mesh.services." + BenchMesh.SERVICE + ".endpoints", backend.authority())
        .property("mesh.services." + BenchMesh.SERVICE + ".lb", "peak-ewma");
    if (tlsOnly) {
      b.property("mesh.tracing.enabled", "false").module(AbsentModule.resilience());
    }
    return b;
  }

  @TearDown
  public void tearDown() throws IOException {
    int connections = backend.accepted();
    meshTls.close();
    meshAll.close();
    BenchMesh.shutdown(raw);
    backend.close();
    for (String f : List.of("svid.pem", "svid_key.pem", "bundle.pem")) {
      Files.deleteIfExists(files.resolve(f));
    }
    Files.deleteIfExists(files);
    // one kept-alive connection per client; many more would mean the scores include handshakes
    BenchMesh.checkKeepAlive(connections, 6, "3 clients");
  }

  @Benchmark
  public int rawJsse() throws IOException {
    return BenchMesh.call(raw, directRequest);
  }

  @Benchmark
  public int meshTls() throws IOException {
    return BenchMesh.call(meshTlsHttp, meshRequest);
  }

  @Benchmark
  public int meshTlsAll() throws IOException {
    return BenchMesh.call(meshAllHttp, meshRequest);
  }
}
