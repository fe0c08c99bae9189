package io.mesh4j.config;

import static io.mesh4j.config.TestSchemas.loader;
import static io.mesh4j.config.TestSchemas.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Every bad input is a problem naming the key, where it was set, and what was expected. */
class MeshConfigLoaderProblemsTest {

  private static List<ConfigProblem> problems(MeshConfigLoader.Builder loader) {
    return catchThrowableOfType(MeshConfigException.class, loader::load).problems();
  }

  private static ConfigProblem onlyProblem(String... lines) {
    List<ConfigProblem> all = problems(loader(text(lines)));
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  @Test
  void badDurationNamesKeyLocationAndExpectedForm() {
    ConfigProblem p = onlyProblem("mesh.service=frontend", "mesh.services.orders.timeout=fast");

    assertThat(p).isEqualTo(new ConfigProblem("mesh.services.orders.timeout", "fast", "mesh.properties:2",
        "not a duration (expected: a duration like 250ms, 2s, 5m, 1h or ISO-8601 PT2S, at most 365d)"));
  }

  @Test
  void aHugeDurationFailsAtStartupNamingTheKey() {
    ConfigProblem p = onlyProblem("mesh.service=frontend", "mesh.services.orders.timeout=999999999d");

    assertThat(p.key()).isEqualTo("mesh.services.orders.timeout");
    assertThat(p.message()).startsWith("too long duration (expected: ").endsWith("at most 365d)");
  }

  @Test
  void negativeDurationIsRejected() {
    ConfigProblem p = onlyProblem("mesh.service=frontend", "mesh.defaults.timeout=PT-1S");

    assertThat(p.key()).isEqualTo("mesh.defaults.timeout");
    assertThat(p.location()).isEqualTo("mesh.properties:2");
    assertThat(p.message()).startsWith("negative duration (expected: a duration like");
  }

  @Test
  void serviceIntegerOutOfRangeShowsTheRange() {
    ConfigProblem p = onlyProblem("mesh.service=frontend", "mesh.services.orders.weight=0");

    assertThat(p.message()).isEqualTo("out of range (expected: an integer from 1 to 100)");
    assertThat(p.location()).isEqualTo("mesh.properties:2");
  }

  @Test
  void globalPortOutOfRangeShowsTheRange() {
    ConfigProblem p = onlyProblem("mesh.admin.port=70000", "mesh.service=frontend");

    assertThat(p).isEqualTo(new ConfigProblem("mesh.admin.port", "70000", "mesh.properties:1",
        "out of range (expected: an integer from 1 to 65535)"));
  }

  @Test
  void misspeltServiceKeySuggestsTheKeyWithTheUsersServiceName() {
    ConfigProblem p = onlyProblem("mesh.service=frontend", "mesh.services.orders.timout=2s");

    assertThat(p.key()).isEqualTo("mesh.services.orders.timout");
    assertThat(p.location()).isEqualTo("mesh.properties:2");
    assertThat(p.message()).isEqualTo("unknown key, did you mean 'mesh.services.orders.timeout'?");
  }

  @Test
  void misspeltGlobalKeySuggestsTheGlobalKey() {
    ConfigProblem p = onlyProblem("mesh.service=frontend", "mesh.trust-domian=example.org");

    assertThat(p.message()).isEqualTo("unknown key, did you mean 'mesh.trust-domain'?");
  }

  @Test
  void misspeltServicesSegmentIsStillRecognised() {
    ConfigProblem p = onlyProblem("mesh.service=frontend", "mesh.servces.orders.timeout=2s");

    assertThat(p.message()).isEqualTo("unknown key, did you mean 'mesh.services.orders.timeout'?");
  }

  @Test
  void unrelatedKeyIsUnknownWithoutSuggestion() {
    ConfigProblem p = onlyProblem("mesh.service=frontend", "server.port=8080");

    assertThat(p).isEqualTo(new ConfigProblem("server.port", "8080", "mesh.properties:2", "unknown key"));
  }

  @Test
  void missingRequiredServiceKeyIsReportedWithItsExpectedForm() {
    ConfigProblem p = onlyProblem("mesh.trust-domain=example.org");

    assertThat(p.key()).isEqualTo("mesh.service");
    assertThat(p.location()).isNull();
    assertThat(p.message()).startsWith("missing required key (expected: a lower-case DNS label");
  }

  @Test
  void keyOfAnAbsentModuleNamesTheArtifact() {
    List<ConfigProblem> all = problems(loader(text(
        "mesh.service=frontend",
        "mesh.tls.mode=strict",
        "mesh.services.orders.retry.max-attempts=3",
        "mesh.defaults.circuit-breaker.failure-rate-threshold=50")));

    assertThat(all).extracting(ConfigProblem::message).containsExactly(
        "requires module mesh-tls (add io.mesh4j:mesh-tls to the classpath)",
        "requires module mesh-resilience (add io.mesh4j:mesh-resilience to the classpath)",
        "requires module mesh-resilience (add io.mesh4j:mesh-resilience to the classpath)");
  }

  @Test
  void serviceNameThatIsNotADnsLabelIsAProblemWithTheLowerCaseSuggestion() {
    ConfigProblem p = onlyProblem("mesh.service=frontend", "mesh.services.Orders.timeout=2s");

    assertThat(p.key()).isEqualTo("mesh.services.Orders.timeout");
    assertThat(p.message())
        .startsWith("service name 'Orders' is not a lower-case DNS label, did you mean 'mesh.services.orders.timeout'?")
        .contains("(expected: a lower-case DNS label");
  }

  @Test
  void incompleteServiceKeyIsAProblem() {
    ConfigProblem p = onlyProblem("mesh.service=frontend", "mesh.services.orders=x");

    assertThat(p.message()).isEqualTo("incomplete key (expected: mesh.services.<name>.<key>)");
  }

  @Test
  void duplicateKeyInAFileIsReportedOnLoad() {
    ConfigProblem p = onlyProblem("mesh.service=a", "mesh.service=b");

    assertThat(p.location()).isEqualTo("mesh.properties:2");
    assertThat(p.message()).contains("already set at mesh.properties:1");
  }

  @Test
  void severalProblemsAreReportedTogetherInFileOrder() {
    MeshConfigException e = catchThrowableOfType(MeshConfigException.class, () -> loader(text(
        "mesh.trust-domian=example.org",
        "mesh.services.orders.timeout=fast",
        "mesh.services.orders.timeout2=1s",
        "mesh.tls.mode=strict",
        "mesh.services.orders.weight=0",
        "mesh.services.orders.lb=fastest",
        "mesh.admin.port=0",
        "mesh.admin.port=1",
        "mesh.services.billing.timeout=2s"))
        .load());

    assertThat(e.problems()).extracting(ConfigProblem::location).containsExactly(
        "mesh.properties:1", "mesh.properties:2", "mesh.properties:3", "mesh.properties:4",
        "mesh.properties:5", "mesh.properties:6", "mesh.properties:7", "mesh.properties:8", null);
    assertThat(e.getMessage()).startsWith("invalid mesh4j configuration (9 problems):");
  }

  @Test
  void linesAreOrderedNumericallyAndSourcesBeforeEnvironmentAndSystemProperties() {
    StringBuilder lines = new StringBuilder("mesh.service=frontend\n");
    for (int i = 2; i <= 9; i++) {
      lines.append("# filler\n");
    }
    lines.append("mesh.services.a.timeout=x\n"); // line 10
    Properties sys = new Properties();
    sys.setProperty("mesh.unknown", "1");
    List<ConfigProblem> all = problems(loader(
            PropertySource.parse("mesh.services.b.timeout=y", "base.properties"),
            PropertySource.parse(lines.toString(), "mesh.properties"),
            PropertySource.parse("\n\nmesh.services.c.timeout=z", "base.properties"))
        .environment(Map.of("MESH_SERVICES_D_TIMEOUT", "w"))
        .systemProperties(sys));

    assertThat(all).extracting(ConfigProblem::location).containsExactly(
        "base.properties:1", "base.properties:3", "mesh.properties:10",
        "env MESH_SERVICES_D_TIMEOUT", "system property mesh.unknown");
  }

  @Test
  void overriddenBadValueIsNotAProblem() {
    MeshConfig config = loader(text("mesh.service=frontend", "mesh.services.orders.timeout=fast"))
        .environment(Map.of("MESH_SERVICES_ORDERS_TIMEOUT", "2s"))
        .load();

    assertThat(config.service("orders")).isPresent();
  }

  @Test
  void unknownSystemPropertyIsAProblemButUnknownEnvironmentVariableIsIgnored() {
    Properties sys = new Properties();
    sys.setProperty("mesh.servcie", "frontend");
    sys.setProperty("java.version", "17");

    List<ConfigProblem> all = problems(loader(text("mesh.service=frontend"))
        .environment(Map.of("MESH_VERSION", "1.2", "MESH_SERVICES_ORDERS_UNKNOWN", "x", "PATH", "/bin"))
        .systemProperties(sys));

    assertThat(all).containsExactly(new ConfigProblem("mesh.servcie", "frontend",
        "system property mesh.servcie", "unknown key, did you mean 'mesh.service'?"));
  }

  @Test
  void environmentVariableForAnAbsentModuleIsAProblem() {
    List<ConfigProblem> all = problems(loader(text("mesh.service=frontend"))
        .environment(Map.of("MESH_TLS_MODE", "disabled")));

    assertThat(all).containsExactly(new ConfigProblem("MESH_TLS_MODE", "disabled", "env MESH_TLS_MODE",
        "requires module mesh-tls (add io.mesh4j:mesh-tls to the classpath)"));
  }

  @Test
  void validatorProblemsAreAddedAndAThrowingValidatorBecomesAProblem() {
    List<ConfigProblem> all = problems(loader(text("mesh.service=frontend", "mesh.services.orders.lb=round-robin"))
        .validator((config, found) -> found.add(new ConfigProblem(
            "mesh.services.orders.lb", "round-robin", "mesh.properties:2", "not with this")))
        .validator((config, found) -> {
          throw new IllegalStateException("boom");
        }));

    assertThat(all).hasSize(2);
    assertThat(all.get(0).message()).isEqualTo("not with this");
    assertThat(all.get(1).key()).isNull();
    assertThat(all.get(1).message()).contains("validator", "failed", "boom");
  }

  @Test
  void validatorsSeeWhatParsedEvenWhenOtherKeysFailed() {
    List<String> seen = new java.util.ArrayList<>();
    problems(loader(text("mesh.service=frontend", "mesh.services.orders.timeout=fast", "mesh.services.orders.lb=round-robin"))
        .validator((config, found) -> {
          ServiceConfig orders = config.service("orders").orElseThrow();
          seen.add(orders.get(TestSchemas.LB) + " " + orders.isSet(TestSchemas.TIMEOUT));
        }));

    assertThat(seen).containsExactly("round-robin false");
  }

  @Test
  void sameProblemFromTwoValidatorsIsListedOnce() {
    ConfigValidator same = (config, found) -> found.add(new ConfigProblem("mesh.service", "frontend", "mesh.properties:1", "no"));

    assertThat(problems(loader(text("mesh.service=frontend")).validator(same).validator(same))).hasSize(1);
  }
}
