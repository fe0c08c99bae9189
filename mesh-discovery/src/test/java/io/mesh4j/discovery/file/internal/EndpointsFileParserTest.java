package io.mesh4j.discovery.file.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.discovery.EndpointHealth;
import io.mesh4j.discovery.Locality;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointsFileParserTest {

  private static final Path FILE = Path.of("/etc/mesh4j/endpoints.json");

  private static Map<String, List<Endpoint>> parse(String json) throws EndpointsFileException {
    return EndpointsFileParser.parse(FILE, json.getBytes(StandardCharsets.UTF_8));
  }

  private static EndpointsFileException error(String json) {
    return catchThrowableOfType(EndpointsFileException.class, () -> parse(json));
  }

  @Test
  void readsTheDocumentedFormatWithEveryAttribute() throws Exception {
    Map<String, List<Endpoint>> services = parse("""
        {"services":{
          "orders":[{"host":"10.0.0.5","port":8080,"weight":2,"zone":"a","metadata":{"version":"v2"}},
                    {"host":"10.0.0.6","port":8080,"region":"eu","sub-zone":"r1","priority":1,"health":"draining"}],
          "payments":[]
        }}""");

    assertThat(services).containsOnlyKeys("orders", "payments");
    assertThat(services.get("orders")).containsExactly(
        Endpoint.builder("10.0.0.5", 8080).weight(2).locality(Locality.zone("a")).metadata("version", "v2").build(),
        Endpoint.builder("10.0.0.6", 8080).locality(new Locality("eu", "", "r1")).priority(1)
            .health(EndpointHealth.DRAINING).build());
    assertThat(services.get("payments")).isEmpty();
  }

  @Test
  void fieldsOtherToolsAddAreIgnored() throws Exception {
    assertThat(parse("{\"$schema\":\"x\",\"generator\":{\"v\":[1]},\"services\":{\"orders\":"
        + "[{\"host\":\"127.0.0.1\",\"port\":1,\"owner\":\"team-a\"}]}}"))
        .isEqualTo(Map.of("orders", List.of(Endpoint.of("127.0.0.1", 1))));
  }

  @Test
  void aSyntaxErrorIsReportedAtItsLineAndColumn() {
    EndpointsFileException e = error("{\"services\":{\n  \"orders\":[\n    {\"host\":\"a\" \"port\":1}]}}");

    assertThat(e.line()).isEqualTo(3);
    assertThat(e.column()).isEqualTo(17);
    assertThat(e.getMessage())
        .startsWith("malformed endpoints file " + FILE + ", line 3, column 17: ")
        .contains("Unexpected character");
  }

  @Test
  void aTruncatedFileIsReportedWhereItEnds() {
    EndpointsFileException e = error("{\"services\":{\"orders\":[{\"host\":\"a\",");

    assertThat(e.getMessage())
        .startsWith("malformed endpoints file " + FILE + ", line 1, column 36: ")
        .contains("end-of-input")
        .doesNotContain("Source:");
    assertThat(error("{\"services\":{\"orders\":["))
        .as("Jackson's own location inside the message is written like ours")
        .hasMessageEndingWith("line 1, column 24: Unexpected end-of-input: expected close marker for Array "
            + "(start marker at line 1, column 23)");
  }

  @Test
  void aWrongFieldOfOneEndpointRejectsTheFileNamingServiceIndexAndField() {
    EndpointsFileException e = error("""
        {"services":{"orders":[
          {"host":"10.0.0.5","port":8080},
          {"host":"10.0.0.6","port":"8080"}
        ]}}""");

    assertThat(e.line()).isEqualTo(3);
    assertThat(e.column()).isEqualTo(3);
    assertThat(e.getMessage()).isEqualTo("malformed endpoints file " + FILE + ", line 3, column 3: "
        + "services.orders[1]: \"port\" must be an integer from 1 to 65535, not \"8080\"");
  }

  @Test
  void anEndpointListedTwiceRejectsTheFile() {
    assertThat(error("{\"services\":{\"orders\":[{\"host\":\"a\",\"port\":1},{\"port\":1,\"host\":\"a\"}]}}"))
        .hasMessageEndingWith("services.orders[1]: a:1 is listed twice (also at index 0)");
  }

  @Test
  void aServiceListedTwiceRejectsTheFile() {
    assertThat(error("{\"services\":{\"orders\":[],\n\"orders\":[]}}"))
        .hasMessageContaining("line 2")
        .hasMessageContaining("Duplicate field 'orders'");
  }

  @Test
  void theShapeOfTheDocumentIsChecked() {
    assertThat(error("")).hasMessageEndingWith("the file is empty; expected " + EndpointsFileParser.EXAMPLE);
    assertThat(error("  \n ")).hasMessageContaining("the file is empty");
    assertThat(error("[]")).hasMessageEndingWith("line 1, column 1: expected a JSON object like "
        + EndpointsFileParser.EXAMPLE);
    assertThat(error("{\"service\":{}}")).hasMessageContaining("\"services\" is missing");
    assertThat(error("{\"services\":[]}")).hasMessageContaining("line 1, column 13: \"services\" must be an object");
    assertThat(error("{\"services\":{\"orders\":{\"host\":\"a\",\"port\":1}}}"))
        .hasMessageContaining("line 1, column 23: services.orders must be a list of endpoints");
    assertThat(error("{\"services\":{\"orders\":[null]}}"))
        .hasMessageContaining("services.orders[0]: an endpoint must be a JSON object");
    assertThat(error("{\"services\":{}} {\"services\":{}}"))
        .hasMessageContaining("line 1, column 17: unexpected content after the end of the JSON object");
    assertThat(error("{\"services\":{}} x")).hasMessageContaining("line 1, column 17");
  }
}
