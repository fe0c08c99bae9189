package io.mesh4j.tls.internal;

import io.mesh4j.tls.MinTlsVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** The protocol versions and cipher suites mesh connections use. */
public final class TlsProtocols {

  private static final List<String> TLS13_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /** TLS 1.2: forward-secret (ECDHE) and AEAD only; no CBC, no static RSA. */
  private static final List<String> TLS12_SUITES =
      List.of(
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final String[] protocols;
  private final String[] cipherSuites;

  public TlsProtocols(MinTlsVersion min, SSLContext probe) {
    List<String> supported = Arrays.asList(probe.getSupportedSSLParameters().getCipherSuites());
    List<String> wanted = new ArrayList<>(TLS13_SUITES);
    if (min == MinTlsVersion.TLS_1_2) {
      wanted.addAll(TLS12_SUITES);
    }
    wanted.retainAll(supported);
    this.cipherSuites = wanted.toArray(new String[0]);
    this.protocols = min == MinTlsVersion.TLS_1_2 ? new String[] {"TLSv1.3", "TLSv1.2"} : new String[] {"TLSv1.3"};
  }

  public String[] protocols() {
    return protocols.clone();
  }

  public String[] cipherSuites() {
    return cipherSuites.clone();
  }

  /** {@code base} with mesh protocols and suites, and client auth as given (server side). */
  public SSLParameters apply(SSLParameters base, boolean needClientAuth) {
    base.setProtocols(protocols());
    base.setCipherSuites(cipherSuites());
    if (needClientAuth) {
      base.setNeedClientAuth(true);
    }
    return base;
  }
}
