package io.mesh4j.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class SpiffeIdTest {

  @Test
  void rejectsNonAsciiBeforeAnyCaseFolding() {
    // U+212A KELVIN SIGN lower-cases to 'k' in Java: it must never become "spiffe://example.org".
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://\u212Aubernetes.example/x"))
        .hasMessageContaining("non-ASCII").hasMessageContaining("U+212A");
    assertThatThrownBy(() -> SpiffeId.parse("SP\u0130FFE://example.org/x")).hasMessageContaining("non-ASCII");
    assertThatThrownBy(() -> TrustDomain.parse("\u212Aube.example")).hasMessageContaining("non-ASCII");
  }

  @Test
  void parsingDoesNotDependOnTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag("tr-TR"));
      assertThatThrownBy(() -> SpiffeId.parse("SPIFFE://example.org/x")).hasMessageContaining("lower-case 'spiffe'");
      assertThat(SpiffeId.parse("spiffe://example.org/I").path()).isEqualTo("/I");
      assertThatThrownBy(() -> TrustDomain.parse("EXAMPLE.ORG")).hasMessageContaining("did you mean 'example.org'");
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void enforcesTheLengthLimits() {
    String longPath = "spiffe://td/" + "a".repeat(2048 - "spiffe://td/".length());
    assertThat(SpiffeId.parse(longPath).toString()).hasSize(2048);
    assertThatThrownBy(() -> SpiffeId.parse(longPath + "a")).hasMessageContaining("longer than 2048");
    assertThat(TrustDomain.parse("a".repeat(255)).name()).hasSize(255);
    assertThatThrownBy(() -> TrustDomain.parse("a".repeat(256))).hasMessageContaining("longer than 255");
  }

  @Test
  void isUnderMatchesWholePathSegmentsOnly() {
    SpiffeId orders = SpiffeId.parse("spiffe://example.org/orders");
    assertThat(SpiffeId.parse("spiffe://example.org/orders").isUnder(orders)).isTrue();
    assertThat(SpiffeId.parse("spiffe://example.org/orders/v1").isUnder(orders)).isTrue();
    assertThat(SpiffeId.parse("spiffe://example.org/orders-admin").isUnder(orders)).isFalse();
    assertThat(SpiffeId.parse("spiffe://example.org/ordersx/v1").isUnder(orders)).isFalse();
    assertThat(SpiffeId.parse("spiffe://other.org/orders/v1").isUnder(orders)).isFalse();
    assertThat(orders.isUnder(TrustDomain.parse("example.org").id())).isTrue();
  }

  @Test
  void matchesIsExactAndCaseSensitive() {
    SpiffeId a = SpiffeId.parse("spiffe://example.org/Orders");
    assertThat(a.matches(SpiffeId.parse("spiffe://example.org/Orders"))).isTrue();
    assertThat(a.matches(SpiffeId.parse("spiffe://example.org/orders"))).isFalse();
  }

  @Test
  void buildsIdsFromSegmentsWithValidation() {
    TrustDomain td = TrustDomain.parse("example.org");
    assertThat(SpiffeId.of(td, "ns", "prod", "orders").segments()).containsExactly("ns", "prod", "orders");
    assertThatThrownBy(() -> SpiffeId.of(td, "a/..")).hasMessageContaining("dot segment");
    assertThat(TrustDomain.parse("spiffe://example.org/x")).isEqualTo(td);
    assertThat(td.id().hasPath()).isFalse();
  }
}
