package io.mesh4j.internal.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mesh4j.internal.okhttp.OkHttpCompatibility.Findings;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decision and its messages, on findings as a class path would give them. */
class OkHttpCompatibilityTest {

  private static final String OK4 = "/home/app/.m2/repository/com/squareup/okhttp3/okhttp/4.12.0/okhttp-4.12.0.jar";
  private static final String OK3 = "/home/app/.m2/repository/com/squareup/okhttp3/okhttp/3.14.9/okhttp-3.14.9.jar";
  private static final String OK5 = "/home/app/.m2/repository/com/squareup/okhttp3/okhttp-jvm/5.5.1/okhttp-jvm-5.5.1.jar";

  private static final List<OkHttpCompatibility.RequiredMethod> ALL = OkHttpCompatibility.REQUIRED;

  @Test
  void theOkHttpThisBuildUsesPasses() {
    Findings f = OkHttpCompatibility.inspect(OkHttpCompatibility.class.getClassLoader());

    assertThat(f.missing()).isEmpty();
    assertThat(f.version()).startsWith("5.");
    assertThat(f.loadedFrom()).contains("okhttp-jvm");
    assertThat(f.copies()).containsExactly(f.loadedFrom());
    assertThat(OkHttpCompatibility.problem(f)).isEmpty();
    assertThat(OkHttpCompatibility.warning(f)).isEmpty();
  }

  @Test
  void okHttp4FailsNamingTheJarTheVersionWhatIsMissingAndTheFix() {
    Findings f = new Findings(OK4, "4.12.0", List.of(OK4), ALL);

    assertThat(OkHttpCompatibility.problem(f)).hasValueSatisfying(m -> assertThat(m)
        .contains("needs OkHttp 5")
        .contains("loaded from " + OK4)
        .contains("OkHttp 4.12.0")
        .contains("Interceptor.Chain.withRetryOnConnectionFailure(boolean)")
        .contains("com.squareup.okhttp3:okhttp-bom 5.x")
        .contains("com.squareup.okhttp3:okhttp-jvm")
        .contains("exclude com.squareup.okhttp3:okhttp 3.x/4.x")
        .contains("Retrofit"));
  }

  @Test
  void okHttp3WithoutAVersionConstantSaysTheVersionIsUnknownOrUsesItsUserAgent() {
    assertThat(OkHttpCompatibility.problem(new Findings(OK3, null, List.of(OK3), ALL)))
        .hasValueSatisfying(m -> assertThat(m).contains("version unknown").contains(OK3));
    assertThat(OkHttpCompatibility.problem(new Findings(OK3, "3.14.9", List.of(OK3), ALL)))
        .hasValueSatisfying(m -> assertThat(m).contains("OkHttp 3.14.9"));
  }

  @Test
  void theDecisionFollowsTheMethodsNotTheVersionNumber() {
    // a later 5.x passes as long as it has what mesh4j calls
    assertThat(OkHttpCompatibility.problem(new Findings(OK5, "5.9.0", List.of(OK5), List.of()))).isEmpty();
    // an early 5.x without the per-call overrides fails, saying which ones it lacks
    List<OkHttpCompatibility.RequiredMethod> lacking = ALL.subList(0, 2);
    assertThat(OkHttpCompatibility.problem(new Findings(OK5, "5.1.0", List.of(OK5), lacking)))
        .hasValueSatisfying(m -> assertThat(m)
            .contains("OkHttp 5.1.0")
            .contains("(5.4 or later)")
            .contains(lacking.get(0).toString())
            .contains(lacking.get(1).toString()));
  }

  @Test
  void anOldCopyFirstOnTheClassPathFailsNamingBothJars() {
    Findings f = new Findings(OK4, "4.12.0", List.of(OK4, OK5), ALL);

    assertThat(OkHttpCompatibility.problem(f)).hasValueSatisfying(m -> assertThat(m)
        .contains("loaded from " + OK4)
        .contains("Another copy of okhttp3 is on the class path but comes later: " + OK5));
  }

  @Test
  void okHttp5FirstWithAnOldCopyLaterRunsButWarnsNamingBoth() {
    Findings f = new Findings(OK5, "5.5.1", List.of(OK5, OK4), List.of());

    assertThat(OkHttpCompatibility.problem(f)).isEmpty();
    assertThat(OkHttpCompatibility.warning(f)).hasValueSatisfying(m -> assertThat(m)
        .contains("two copies of okhttp3")
        .contains(OK5 + " (in use, OkHttp 5.5.1)")
        .contains(OK4));
  }

  @Test
  void noOkHttpAtAllFailsSayingWhatToAdd() {
    assertThat(OkHttpCompatibility.problem(new Findings(null, null, List.of(), List.of())))
        .hasValueSatisfying(m -> assertThat(m)
            .contains("needs OkHttp 5")
            .contains("no okhttp3.OkHttpClient")
            .contains("okhttp-jvm"));
  }

  @Test
  void classPathEntriesAreShownAsPathsForFilesAndAsURLsOtherwise() throws Exception {
    assertThat(OkHttpCompatibility.entryOf(new URL("jar:file:/libs/okhttp-4.12.0.jar!/okhttp3/OkHttpClient.class")))
        .isEqualTo("/libs/okhttp-4.12.0.jar");
    assertThat(OkHttpCompatibility.entryOf(new URL("file:/work/classes/okhttp3/OkHttpClient.class")))
        .isEqualTo("/work/classes");
    // a jar nested in a Spring Boot fat jar keeps its URL: that is where it is
    assertThat(OkHttpCompatibility.entryOf(
            new URL("jar:file:/app.jar!/BOOT-INF/lib/okhttp-4.12.0.jar!/okhttp3/OkHttpClient.class")))
        .isEqualTo("file:/app.jar!/BOOT-INF/lib/okhttp-4.12.0.jar");
  }
}
