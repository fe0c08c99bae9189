package io.mesh4j.tls;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mesh4j.config.ValueParsers;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link TrustDomain#parse}, which takes a bare name ({@code mesh.trust-domain}, bundle
 * names from the Workload API) or a SPIFFE ID.
 */
class TrustDomainFuzzTest {

  @FuzzTest
  void parse(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    // mesh.trust-domain is checked by core's parser, then handed to TrustDomain.parse by mesh-tls:
    // a name that passes the config check must never fail later, when the mesh starts TLS
    boolean configAccepts = accepts(text);
    TrustDomain td;
    try {
      td = TrustDomain.parse(text);
    } catch (IllegalArgumentException e) {
      rejectedWithMessage(e, text.startsWith("spiffe://") ? "invalid SPIFFE ID '" : "invalid trust domain '");
      assertThat(configAccepts).as("mesh.trust-domain accepts %s but TrustDomain.parse does not", text).isFalse();
      return;
    }
    String name = td.name();
    assertThat(name).matches("[a-z0-9._-]{1,255}");
    if (text.startsWith("spiffe://")) {
      assertThat(td).isEqualTo(SpiffeId.parse(text).trustDomain());
    } else {
      assertThat(name).isEqualTo(text);
      assertThat(configAccepts).as("TrustDomain.parse accepts %s but mesh.trust-domain does not", text).isTrue();
    }
    assertThat(TrustDomain.parse(name)).isEqualTo(td);
    assertThat(td.toString()).isEqualTo(name);
    assertThat(td.id().toString()).isEqualTo("spiffe://" + name);
    assertThat(SpiffeId.parse(td.id().toString()).trustDomain()).isEqualTo(td);
    assertThat(TrustDomain.parse(td.id().toString())).isEqualTo(td);
  }

  private static boolean accepts(String text) {
    try {
      ValueParsers.trustDomain().parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
