package io.mesh4j.xds.internal.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestViewTest {

  @Test
  void queryParametersAreFoundWithOrWithoutAValue() {
    assertThat(RequestView.queryParameter("/p?a&v=2", "v")).isEqualTo("2");
    assertThat(RequestView.queryParameter("/p?a=x&v=2", "a")).isEqualTo("x");
    assertThat(RequestView.queryParameter("/p?v", "v")).isEqualTo("");
    assertThat(RequestView.queryParameter("/p?v=", "v")).isEqualTo("");
    assertThat(RequestView.queryParameter("/p?a&b=v=1", "v")).isNull();
    assertThat(RequestView.queryParameter("/p?vv=1&v=3#v=4", "v")).isEqualTo("3");
    assertThat(RequestView.queryParameter("/p?a=1#&v=4", "v")).isNull();
    assertThat(RequestView.queryParameter("/p", "v")).isNull();
  }

  @Test
  void aQueryOfManyParametersIsScannedInLinearTime() {
    String many = "/p?" + "a&".repeat(256 * 1024) + "v=1";
    String last = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      String v = null;
      for (int i = 0; i < 5; i++) {
        v = RequestView.queryParameter(many, "v");
      }
      return v;
    });
    assertThat(last).isEqualTo("1");
  }
}
