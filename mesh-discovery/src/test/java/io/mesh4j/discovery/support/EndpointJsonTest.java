package io.mesh4j.discovery.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import org.junit.jupiter.api.Test;

class EndpointJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Endpoint parse(String json) throws Exception {
    return EndpointJson.parse(JSON.readTree(json));
  }

  @Test
  void onlyHostAndPortAreRequiredAndUnknownFieldsAreIgnored() throws Exception {
    assertThat(parse("{\"host\":\"127.0.0.1\",\"port\":8081,\"registeredBy\":\"etcdctl\"}"))
        .isEqualTo(Endpoint.of("127.0.0.1", 8081));
  }

  @Test
  void readsEveryAttribute() throws Exception {
    Endpoint e = parse("{\"host\":\"10.0.0.5\",\"port\":8080,\"weight\":2,\"region\":\"eu\",\"zone\":\"a\","
        + "\"sub-zone\":\"r1\",\"priority\":1,\"health\":\"draining\",\"metadata\":{\"version\":\"v2\"}}");

    assertThat(e).isEqualTo(Endpoint.builder("10.0.0.5", 8080).weight(2).locality(new Locality("eu", "a", "r1"))
        .priority(1).health(EndpointHealth.DRAINING).metadata("version", "v2").build());
  }

  @Test
  void aWrongFieldIsNamed() {
    assertThatThrownBy(() -> parse("{\"port\":8080}")).hasMessage("\"host\" is missing");
    assertThatThrownBy(() -> parse("{\"host\":\"a\",\"port\":\"8080\"}"))
        .hasMessageContaining("\"port\" must be an integer from 1 to 65535");
    assertThatThrownBy(() -> parse("{\"host\":\"a\",\"port\":70000}")).hasMessageContaining("\"port\"");
    assertThatThrownBy(() -> parse("{\"host\":\"a\",\"port\":1,\"weight\":0}")).hasMessageContaining("\"weight\"");
    assertThatThrownBy(() -> parse("{\"host\":\"a\",\"port\":1,\"metadata\":[1]}")).hasMessageContaining("\"metadata\"");
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("JSON object");
  }
}
