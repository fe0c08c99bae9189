package io.mesh4j.tls;

import static io.mesh4j.testing.fuzz.FuzzTargets.rejectedWithMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Fuzzes {@link SpiffeId#parse}: peer certificates' URI SANs, configured caller policies and IDs
 * in config all go through it. The seed corpus holds every line of the shared SPIFFE ID
 * conformance vectors (SpiffeIdFuzzTestInputs/parse/vector-*), kept in step by {@link
 * FuzzCorporaTest}.
 */
class SpiffeIdFuzzTest {

  /**
   * The SPIFFE-ID standard written as one regular expression, independently of the parser: lower
   * case scheme and trust domain, path segments of [A-Za-z0-9._-]. Dot segments and the lengths
   * are checked beside it.
   */
  private static final Pattern STANDARD =
      Pattern.compile("spiffe://([a-z0-9._-]+)((?:/[A-Za-z0-9._-]+)*)");

  @FuzzTest
  void parse(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    SpiffeId id;
    try {
      id = SpiffeId.parse(text);
    } catch (IllegalArgumentException e) {
      // the only failure, and it quotes what it rejected so logs show which SAN was refused
      rejectedWithMessage(e, "invalid SPIFFE ID '");
      assertThat(SpiffeId.isValid(text)).as("isValid agrees with parse").isFalse();
      assertThat(conformsToStandard(text)).as("the standard accepts %s", text).isFalse();
      return;
    }
    assertThat(conformsToStandard(text)).as("the standard rejects %s", text).isTrue();
    assertThat(SpiffeId.isValid(text)).as("isValid agrees with parse").isTrue();
    // exact: no normalization, so an ID compares and prints as the peer presented it
    assertThat(id.toString()).isEqualTo(text);
    assertThat(SpiffeId.parse(id.toString())).isEqualTo(id);
    assertThat(TrustDomain.parse(id.trustDomain().name())).isEqualTo(id.trustDomain());
    assertThat(id.toString()).isEqualTo("spiffe://" + id.trustDomain().name() + id.path());
    assertThat(id.path().isEmpty() ? "" : "/" + String.join("/", id.segments())).isEqualTo(id.path());
    assertThat(SpiffeId.of(id.trustDomain(), id.segments().toArray(new String[0]))).isEqualTo(id);
    assertThat(id.isUnder(id.trustDomain().id())).isTrue();
    assertThat(id.isUnder(id)).isTrue();
    assertThat(id.hasPath()).isEqualTo(!id.segments().isEmpty());
  }

  static boolean conformsToStandard(String text) {
    var m = STANDARD.matcher(text);
    if (!m.matches() || text.length() > 2048 || m.group(1).length() > 255) {
      return false;
    }
    for (String segment : m.group(2).split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
