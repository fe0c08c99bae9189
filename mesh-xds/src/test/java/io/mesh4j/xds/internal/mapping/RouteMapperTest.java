package io.mesh4j.xds.internal.mapping;

import static io.mesh4j.xds.internal.mapping.IstioFixtures.CLUSTER;
import static io.mesh4j.xds.internal.mapping.IstioFixtures.route;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.util.HashMap;
import java.util.Map;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

class RouteMapperTest {

  private static final Headers NONE = Headers.of();

  private static MappedRoutes valid(RouteConfiguration rc) {
    MappedRoutes m = RouteMapper.map(rc);
    assertThat(m.errors()).isEmpty();
    return m;
  }

  private static String errors(RouteConfiguration rc) {
    MappedRoutes m = RouteMapper.map(rc);
    assertThat(m.errors()).isNotEmpty();
    return String.join("\n", m.errors());
  }

  private static RouteConfiguration oneHost(Route.Builder... routes) {
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName("vh").addDomains("*");
    for (Route.Builder r : routes) {
      vh.addRoutes(r);
    }
    return RouteConfiguration.newBuilder().setName("rc").addVirtualHosts(vh).build();
  }

  private static VirtualHost.Builder host(String name, String... domains) {
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName(name).addRoutes(route("", name));
    for (String d : domains) {
      vh.addDomains(d);
    }
    return vh;
  }

  private static String cluster(XdsRouteTable t, String authority, String path) {
    return cluster(t, authority, path, NONE);
  }

  private static String cluster(XdsRouteTable t, String authority, String path, Headers h) {
    XdsRouteMatch m = t.match("GET", authority, path, h);
    return m == null ? null : m.pickCluster();
  }

  // --- Istio's shape -----------------------------------------------------------------------------

  @Test
  void istiosRoutesMatchTheShortNameAndKeepIstiosRetries() {
    MappedRoutes m = valid(IstioFixtures.istioRoutes());
    assertThat(m.clusters()).containsExactly(CLUSTER);
    XdsRouteMatch r = m.table().match("GET", "orders", "/api/items?x=1", NONE);
    assertThat(r).isNotNull();
    assertThat(r.pickCluster()).isEqualTo(CLUSTER);
    assertThat(r.name()).isEqualTo("default");
    assertThat(r.overrides())
        .doesNotContainKey("timeout") // Istio's timeout 0: none
        .containsEntry("retry.max-attempts", "3")
        .containsEntry("retry.on", "connect-failure,reset,503")
        .containsEntry("retry.backoff.base", "25ms")
        .containsEntry("retry.backoff.max", "250ms");
    MeshKeyParsers.assertAllParse(r.overrides());
    assertThat(m.table().match("GET", "orders:8080", "/", NONE)).isSameAs(r);
    assertThat(m.table().match("GET", "orders:9090", "/", NONE)).as("another port is another authority").isNull();
    assertThat(m.table().match("GET", "payments", "/", NONE)).isNull();
  }

  // --- virtual hosts -----------------------------------------------------------------------------

  @Test
  void domainsMatchExactThenLongestSuffixThenLongestPrefixThenAny() {
    XdsRouteTable t = valid(RouteConfiguration.newBuilder()
        .addVirtualHosts(host("any", "*"))
        .addVirtualHosts(host("exact", "api.example.org"))
        .addVirtualHosts(host("suffix-short", "*.org"))
        .addVirtualHosts(host("suffix-long", "*.example.org"))
        .addVirtualHosts(host("prefix-short", "api.*"))
        .addVirtualHosts(host("prefix-long", "api.example.*"))
        .build()).table();
    assertThat(t.virtualHostName("api.example.org")).isEqualTo("exact");
    assertThat(t.virtualHostName("API.Example.ORG")).as("case-insensitive").isEqualTo("exact");
    assertThat(t.virtualHostName("web.example.org")).isEqualTo("suffix-long");
    assertThat(t.virtualHostName("web.other.org")).isEqualTo("suffix-short");
    assertThat(t.virtualHostName("api.example.com")).isEqualTo("prefix-long");
    assertThat(t.virtualHostName("api.other.com")).isEqualTo("prefix-short");
    assertThat(t.virtualHostName("web.other.com")).isEqualTo("any");
    assertThat(t.virtualHostName(".org")).as("a wildcard stands for at least one character").isEqualTo("any");
  }

  @Test
  void thePortIsPartOfTheAuthorityUnlessTheConfigurationIgnoresIt() {
    RouteConfiguration rc = RouteConfiguration.newBuilder().addVirtualHosts(host("orders", "orders")).build();
    assertThat(valid(rc).table().virtualHostName("orders:8080")).isNull();
    XdsRouteTable ignoring = valid(rc.toBuilder().setIgnorePortInHostMatching(true).build()).table();
    assertThat(ignoring.virtualHostName("orders:8080")).isEqualTo("orders");
    assertThat(ignoring.virtualHostName("orders")).isEqualTo("orders");
  }

  @Test
  void badOrDuplicateDomainsAreRefused() {
    assertThat(errors(RouteConfiguration.newBuilder().addVirtualHosts(host("a", "orders"))
            .addVirtualHosts(host("b", "Orders")).build()))
        .contains("virtual_hosts[1].domains[0]: 'orders' is also a domain of virtual host 'a'");
    assertThat(errors(RouteConfiguration.newBuilder().addVirtualHosts(host("a", "a.*.org")).build()))
        .contains("virtual_hosts[0].domains[0]: 'a.*.org' is not a domain");
    assertThat(errors(RouteConfiguration.newBuilder().addVirtualHosts(host("a")).build()))
        .contains("virtual_hosts[0].domains: is empty");
  }

  // --- path matching -----------------------------------------------------------------------------

  @Test
  void routesAreTriedInOrderOnThePathWithoutQuery() {
    XdsRouteTable t = valid(oneHost(
        Route.newBuilder().setMatch(RouteMatch.newBuilder().setPath("/exact")).setRoute(RouteAction.newBuilder().setCluster("path")),
        Route.newBuilder().setMatch(RouteMatch.newBuilder().setPathSeparatedPrefix("/sep")).setRoute(RouteAction.newBuilder().setCluster("sep")),
        Route.newBuilder().setMatch(RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("/items/[0-9]+")))
            .setRoute(RouteAction.newBuilder().setCluster("regex")),
        Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/API").setCaseSensitive(BoolValue.of(false)))
            .setRoute(RouteAction.newBuilder().setCluster("api")),
        route("/", "fallback"))).table();
    assertThat(cluster(t, "x", "/exact?q=1")).isEqualTo("path");
    assertThat(cluster(t, "x", "/exact/more")).isEqualTo("fallback");
    assertThat(cluster(t, "x", "/sep")).isEqualTo("sep");
    assertThat(cluster(t, "x", "/sep/a")).isEqualTo("sep");
    assertThat(cluster(t, "x", "/separate")).isEqualTo("fallback");
    assertThat(cluster(t, "x", "/items/42?x=y")).isEqualTo("regex");
    assertThat(cluster(t, "x", "/items/42x")).as("regexes match the whole path").isEqualTo("fallback");
    assertThat(cluster(t, "x", "/api/v1")).isEqualTo("api");
    assertThat(valid(oneHost(route("/a", "a"))).table().match("GET", "x", "/b", NONE)).isNull();
  }

  @Test
  void unsupportedPathMatchersAndBadRegexesAreRefused() {
    assertThat(errors(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder()
            .setSafeRegex(RegexMatcher.newBuilder().setRegex("(a)\\1"))).setRoute(RouteAction.newBuilder().setCluster("c")))))
        .contains("virtual_hosts[0].routes[0].match.safe_regex.regex: '(a)\\1' is not a valid RE2");
    assertThat(errors(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPathSeparatedPrefix("/a/"))
            .setRoute(RouteAction.newBuilder().setCluster("c")))))
        .contains("match.path_separated_prefix: '/a/' must start with '/', not end with '/'");
    assertThat(errors(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder())
            .setRoute(RouteAction.newBuilder().setCluster("c")))))
        .contains("match: has no path specifier");
  }

  // --- headers and query parameters ------------------------------------------------------------

  private static XdsRouteTable headerRoute(HeaderMatcher.Builder h) {
    return valid(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/").addHeaders(h))
        .setRoute(RouteAction.newBuilder().setCluster("hit")))).table();
  }

  private static boolean hits(XdsRouteTable t, Headers h) {
    return t.match("GET", "x", "/", h) != null;
  }

  @Test
  void headerMatchersFollowEnvoy() {
    XdsRouteTable exact = headerRoute(HeaderMatcher.newBuilder().setName("X-Version")
        .setStringMatch(StringMatcher.newBuilder().setExact("v2")));
    assertThat(hits(exact, Headers.of("x-version", "v2"))).isTrue();
    assertThat(hits(exact, Headers.of("x-version", "V2"))).isFalse();
    assertThat(hits(exact, NONE)).isFalse();
    XdsRouteTable ignoreCase = headerRoute(HeaderMatcher.newBuilder().setName("x-version")
        .setStringMatch(StringMatcher.newBuilder().setExact("v2").setIgnoreCase(true)));
    assertThat(hits(ignoreCase, Headers.of("x-version", "V2"))).isTrue();
    assertThat(hits(headerRoute(HeaderMatcher.newBuilder().setName("h").setPrefixMatch("ab")), Headers.of("h", "abc"))).isTrue();
    assertThat(hits(headerRoute(HeaderMatcher.newBuilder().setName("h").setSuffixMatch("bc")), Headers.of("h", "abc"))).isTrue();
    assertThat(hits(headerRoute(HeaderMatcher.newBuilder().setName("h").setContainsMatch("b")), Headers.of("h", "abc"))).isTrue();
    assertThat(hits(headerRoute(HeaderMatcher.newBuilder().setName("h")
        .setSafeRegexMatch(RegexMatcher.newBuilder().setRegex("a.c"))), Headers.of("h", "abc"))).isTrue();
    XdsRouteTable range = headerRoute(HeaderMatcher.newBuilder().setName("h")
        .setRangeMatch(Int64Range.newBuilder().setStart(10).setEnd(20)));
    assertThat(hits(range, Headers.of("h", "10"))).isTrue();
    assertThat(hits(range, Headers.of("h", "20"))).as("end excluded").isFalse();
    assertThat(hits(range, Headers.of("h", "x"))).isFalse();
  }

  @Test
  void presenceInversionAndMissingHeadersFollowEnvoy() {
    XdsRouteTable present = headerRoute(HeaderMatcher.newBuilder().setName("h").setPresentMatch(true));
    assertThat(hits(present, Headers.of("h", ""))).isTrue();
    assertThat(hits(present, NONE)).isFalse();
    XdsRouteTable absent = headerRoute(HeaderMatcher.newBuilder().setName("h").setPresentMatch(false));
    assertThat(hits(absent, NONE)).isTrue();
    assertThat(hits(absent, Headers.of("h", "x"))).isFalse();
    XdsRouteTable notPresent = headerRoute(HeaderMatcher.newBuilder().setName("h").setPresentMatch(true).setInvertMatch(true));
    assertThat(hits(notPresent, NONE)).isTrue();
    XdsRouteTable notV2 = headerRoute(HeaderMatcher.newBuilder().setName("h").setExactMatch("v2").setInvertMatch(true));
    assertThat(hits(notV2, Headers.of("h", "v1"))).isTrue();
    assertThat(hits(notV2, Headers.of("h", "v2"))).isFalse();
    assertThat(hits(notV2, NONE)).as("Envoy: an inverted value matcher does not match a missing header").isFalse();
    XdsRouteTable emptyOk = headerRoute(HeaderMatcher.newBuilder().setName("h").setExactMatch("")
        .setTreatMissingHeaderAsEmpty(true));
    assertThat(hits(emptyOk, NONE)).isTrue();
  }

  @Test
  void severalValuesOfAHeaderAreJoinedAndPseudoHeadersComeFromTheRequest() {
    XdsRouteTable joined = headerRoute(HeaderMatcher.newBuilder().setName("h").setExactMatch("a,b"));
    assertThat(hits(joined, new Headers.Builder().add("h", "a").add("H", "b").build())).isTrue();
    XdsRouteTable post = headerRoute(HeaderMatcher.newBuilder().setName(":method").setExactMatch("POST"));
    assertThat(post.match("POST", "x", "/", NONE)).isNotNull();
    assertThat(post.match("GET", "x", "/", NONE)).isNull();
    assertThat(post.match("x", "/", NONE)).as("method unknown").isNull();
  }

  @Test
  void queryParameterMatchersUseTheFirstRawValue() {
    XdsRouteTable t = valid(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")
            .addQueryParameters(QueryParameterMatcher.newBuilder().setName("v")
                .setStringMatch(StringMatcher.newBuilder().setExact("2")))
            .addQueryParameters(QueryParameterMatcher.newBuilder().setName("debug").setPresentMatch(true)))
        .setRoute(RouteAction.newBuilder().setCluster("hit")))).table();
    assertThat(cluster(t, "x", "/a?v=2&debug")).isEqualTo("hit");
    assertThat(cluster(t, "x", "/a?debug=1&v=2")).isEqualTo("hit");
    assertThat(cluster(t, "x", "/a?v=3&v=2&debug")).as("first value").isNull();
    assertThat(cluster(t, "x", "/a?v=2")).isNull();
    assertThat(cluster(t, "x", "/a?vv=2&debug")).isNull();
  }

  @Test
  void runtimeFractionsUseTheirDefaultValue() {
    XdsRouteTable never = valid(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")
        .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
            .setNumerator(0)))).setRoute(RouteAction.newBuilder().setCluster("c")))).table();
    XdsRouteTable always = valid(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")
        .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
            .setNumerator(100)))).setRoute(RouteAction.newBuilder().setCluster("c")))).table();
    for (int i = 0; i < 1000; i++) {
      assertThat(cluster(never, "x", "/")).isNull();
      assertThat(cluster(always, "x", "/")).isEqualTo("c");
    }
  }

  @Test
  void grpcRoutesMatchOnlyGrpcRequests() {
    XdsRouteTable t = valid(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")
            .setGrpc(RouteMatch.GrpcRouteMatchOptions.getDefaultInstance()))
        .setRoute(RouteAction.newBuilder().setCluster("grpc")))).table();
    assertThat(cluster(t, "x", "/", Headers.of("content-type", "application/grpc+proto"))).isEqualTo("grpc");
    assertThat(cluster(t, "x", "/", Headers.of("content-type", "application/json"))).isNull();
  }

  // --- actions -----------------------------------------------------------------------------------

  @Test
  void weightedClustersSplitByWeight() {
    MappedRoutes m = valid(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("a").setWeight(UInt32Value.of(1)))
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("b").setWeight(UInt32Value.of(3)))
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("off").setWeight(UInt32Value.of(0)))
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("c").setWeight(UInt32Value.of(6)))))));
    assertThat(m.clusters()).containsExactly("a", "b", "c");
    XdsRouteMatch r = m.table().match("GET", "x", "/", NONE);
    Map<String, Integer> counts = new HashMap<>();
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      counts.merge(r.pickCluster(), 1, Integer::sum);
    }
    // standard deviations are under 0.0016 of n: 0.02 is over 12 of them, it cannot flake
    assertThat(counts).doesNotContainKey("off");
    assertThat(counts.get("a") / (double) n).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.02));
    assertThat(counts.get("b") / (double) n).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.02));
    assertThat(counts.get("c") / (double) n).isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.02));
  }

  @Test
  void aRouteGivesTheSameOverridesInstanceEveryTime() {
    XdsRouteTable t = valid(IstioFixtures.istioRoutes()).table();
    Map<String, String> first = t.match("GET", "orders", "/a", NONE).overrides();
    assertThat(t.match("GET", "orders", "/b", Headers.of("x", "y")).overrides()).isSameAs(first);
  }

  @Test
  void nonForwardingRoutesMatchAndStopTheSearch() {
    XdsRouteTable t = valid(oneHost(
        Route.newBuilder().setName("old").setMatch(RouteMatch.newBuilder().setPrefix("/old"))
            .setRedirect(RedirectAction.newBuilder().setPathRedirect("/new")),
        Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/teapot"))
            .setDirectResponse(DirectResponseAction.newBuilder().setStatus(418)),
        route("/", "c"))).table();
    XdsRouteMatch r = t.match("GET", "x", "/old/a", NONE);
    assertThat(r.forwards()).isFalse();
    assertThat(r.pickCluster()).isNull();
    assertThat(r.reason()).contains("route 'old' is a redirect");
    assertThat(t.match("GET", "x", "/teapot", NONE).reason()).contains("direct response (418)");
    assertThat(t.match("GET", "x", "/new", NONE).forwards()).isTrue();
  }

  @Test
  void actionsThatWouldChangeTheRequestOrLetAHeaderChooseAreRefused() {
    assertThat(errors(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(RouteAction.newBuilder().setClusterHeader("x-cluster")))))
        .contains("virtual_hosts[0].routes[0].route.cluster_header: not supported");
    assertThat(errors(oneHost(route("/", "c").setRoute(RouteAction.newBuilder().setCluster("c")
            .setPrefixRewrite("/v2")))))
        .contains("route.prefix_rewrite: path rewrites are not supported");
    assertThat(errors(oneHost(route("/", "c").setRoute(RouteAction.newBuilder().setCluster("c")
            .setHostRewriteLiteral("other")))))
        .contains("route.host_rewrite_literal: host rewrites are not supported");
    assertThat(errors(oneHost(route("/", "c").setRoute(RouteAction.newBuilder().setWeightedClusters(
            WeightedCluster.newBuilder().addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("a")))))))
        .contains("route.weighted_clusters: the weights add up to 0");
  }

  // --- timeouts and retries ----------------------------------------------------------------------

  private static Map<String, String> overrides(RouteAction.Builder action, RetryPolicy vhRetry) {
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName("vh").addDomains("*")
        .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(action.setCluster("c")));
    if (vhRetry != null) {
      vh.setRetryPolicy(vhRetry);
    }
    Map<String, String> o = valid(RouteConfiguration.newBuilder().addVirtualHosts(vh).build()).table()
        .match("GET", "x", "/", NONE).overrides();
    MeshKeyParsers.assertAllParse(o);
    return o;
  }

  private static com.google.protobuf.Duration millis(long ms) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
  }

  @Test
  void timeoutsFollowEnvoyDefaultsAndLimits() {
    assertThat(overrides(RouteAction.newBuilder(), null))
        .as("Envoy's 15 s default, and no retries without a policy")
        .containsEntry("timeout", "15s").containsEntry("retry.max-attempts", "1").doesNotContainKey("retry.on");
    assertThat(overrides(RouteAction.newBuilder().setTimeout(millis(2500)), null)).containsEntry("timeout", "2500ms");
    assertThat(overrides(RouteAction.newBuilder().setTimeout(millis(0)), null)).doesNotContainKey("timeout");
    assertThat(overrides(RouteAction.newBuilder().setTimeout(millis(0)).setMaxStreamDuration(
        RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(millis(700))), null))
        .containsEntry("timeout", "700ms");
    assertThat(overrides(RouteAction.newBuilder().setTimeout(millis(500)).setMaxStreamDuration(
        RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(millis(700))), null))
        .containsEntry("timeout", "500ms");
  }

  @Test
  void retryPoliciesMapToTheMeshsRetryKeys() {
    RetryPolicy p = RetryPolicy.newBuilder()
        .setRetryOn("5xx,gateway-error,retriable-4xx,unavailable,made-up")
        .setNumRetries(UInt32Value.of(3))
        .setPerTryTimeout(millis(300))
        .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(millis(10)).setMaxInterval(millis(80)))
        .build();
    assertThat(overrides(RouteAction.newBuilder().setRetryPolicy(p), null))
        .containsEntry("retry.max-attempts", "4")
        .containsEntry("retry.on", "connect-failure,reset,timeout,5xx,409,502,503,504")
        .containsEntry("per-try-timeout", "300ms")
        .containsEntry("retry.backoff.base", "10ms")
        .containsEntry("retry.backoff.max", "80ms");
    assertThat(overrides(RouteAction.newBuilder().setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx")
            .setNumRetries(UInt32Value.of(50))), null))
        .as("the mesh's limit of 10 attempts").containsEntry("retry.max-attempts", "10");
    assertThat(overrides(RouteAction.newBuilder().setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("cancelled")),
        null)).as("nothing the mesh can retry on").containsEntry("retry.max-attempts", "1").doesNotContainKey("retry.on");
  }

  @Test
  void theVirtualHostsRetryPolicyAppliesWhenTheRouteHasNone() {
    RetryPolicy vh = RetryPolicy.newBuilder().setRetryOn("connect-failure").build();
    assertThat(overrides(RouteAction.newBuilder(), vh))
        .containsEntry("retry.on", "connect-failure").containsEntry("retry.max-attempts", "2");
    assertThat(overrides(RouteAction.newBuilder().setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("reset")), vh))
        .containsEntry("retry.on", "connect-failure,reset,timeout");
    assertThat(overrides(RouteAction.newBuilder().setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("gateway-error")), vh))
        .as("Envoy counts connect failures and resets as gateway errors")
        .containsEntry("retry.on", "connect-failure,reset,timeout,502,503,504");
  }

  @Test
  void badRetrySettingsAreRefused() {
    assertThat(errors(oneHost(route("/", "c").setRoute(RouteAction.newBuilder().setCluster("c")
            .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("retriable-status-codes").addRetriableStatusCodes(700))))))
        .contains("route.retry_policy.retriable_status_codes[0]: 700 is outside 100..599");
    assertThat(errors(oneHost(route("/", "c").setRoute(RouteAction.newBuilder().setCluster("c")
            .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx").setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                .setBaseInterval(millis(100)).setMaxInterval(millis(10))))))))
        .contains("retry_back_off.max_interval: is shorter than base_interval");
  }

  // --- hash policies -------------------------------------------------------------------------------

  private static XdsRouteMatch hashed(RouteAction.HashPolicy... policies) {
    RouteAction.Builder a = RouteAction.newBuilder().setCluster("c");
    for (RouteAction.HashPolicy p : policies) {
      a.addHashPolicy(p);
    }
    return valid(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(a)))
        .table().match("GET", "x", "/", NONE);
  }

  private static RouteAction.HashPolicy header(String name, boolean terminal) {
    return RouteAction.HashPolicy.newBuilder().setTerminal(terminal)
        .setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(name)).build();
  }

  @Test
  void hashKeysComeFromHeadersQueryParametersAndCookies() {
    assertThat(hashed(header("x-user", false)).hashKey("/", Headers.of("X-User", "ann"))).isEqualTo("ann");
    assertThat(hashed(header("x-user", false)).hashKey("/", NONE)).isNull();
    assertThat(hashed(RouteAction.HashPolicy.newBuilder().setQueryParameter(
        RouteAction.HashPolicy.QueryParameter.newBuilder().setName("user")).build()).hashKey("/a?user=bob&x=1", NONE))
        .isEqualTo("bob");
    assertThat(hashed(RouteAction.HashPolicy.newBuilder().setCookie(
        RouteAction.HashPolicy.Cookie.newBuilder().setName("session")).build())
        .hashKey("/", Headers.of("Cookie", "a=1; session=s42")))
        .isEqualTo("s42");
    assertThat(hashed(header(":path", false)).hashKey("/items/4", NONE)).isEqualTo("/items/4");
    assertThat(hashed(RouteAction.HashPolicy.newBuilder().setConnectionProperties(
        RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true)).build()).hashKey("/", NONE))
        .as("source_ip is skipped").isNull();
  }

  @Test
  void aTerminalPolicyStopsTheListOnceAKeyExists() {
    XdsRouteMatch r = hashed(header("a", false), header("b", true), header("c", false));
    String ab = r.hashKey("/", Headers.of("a", "1", "b", "2", "c", "3"));
    assertThat(ab).isEqualTo(r.hashKey("/", Headers.of("a", "1", "b", "2", "c", "other")))
        .as("policies after a terminal one are not used once a key exists");
    assertThat(ab).isNotEqualTo(r.hashKey("/", Headers.of("a", "1", "b", "9")));
    assertThat(r.hashKey("/", Headers.of("a", "1", "c", "3")))
        .as("Envoy and gRPC: a terminal policy stops when a key exists, even if it produced none")
        .isEqualTo("1");
    assertThat(r.hashKey("/", Headers.of("c", "3")))
        .as("a terminal policy does not stop while there is no key yet").isEqualTo("3");
  }

  @Test
  void aWeightedClustersHostRewriteIsRefusedLikeARoutes() {
    assertThat(errors(oneHost(route("/", "c").setRoute(RouteAction.newBuilder().setWeightedClusters(
            WeightedCluster.newBuilder().addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("a")
                .setWeight(UInt32Value.of(1)).setHostRewriteLiteral("evil.example")))))))
        .contains("route.weighted_clusters.clusters[0].host_rewrite_literal: host rewrites are not supported");
  }

  @Test
  void matcherTreesAndPathParameterStrippingAreRefused() {
    assertThat(errors(RouteConfiguration.newBuilder().addVirtualHosts(VirtualHost.newBuilder().setName("vh")
            .addDomains("*").setMatcher(com.github.xds.type.matcher.v3.Matcher.getDefaultInstance())).build()))
        .contains("virtual_hosts[0].matcher: matcher trees are not supported");
    assertThat(errors(oneHost(route("/", "c")).toBuilder().setIgnorePathParametersInPathMatching(true).build()))
        .contains("ignore_path_parameters_in_path_matching: not supported");
  }

  @Test
  void aHeadersValuesHashTheSameInAnyOrder() {
    XdsRouteMatch r = hashed(header("h", false));
    assertThat(r.hashKey("/", new Headers.Builder().add("h", "x").add("h", "y").build()))
        .isEqualTo(r.hashKey("/", new Headers.Builder().add("h", "y").add("h", "x").build()));
  }

  @Test
  void aHeaderHashPolicyCanRewriteTheValueFirst() {
    XdsRouteMatch r = hashed(RouteAction.HashPolicy.newBuilder().setHeader(RouteAction.HashPolicy.Header.newBuilder()
        .setHeaderName("x-user")
        .setRegexRewrite(io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute.newBuilder()
            .setPattern(RegexMatcher.newBuilder().setRegex("^user-([a-z]+)-[0-9]+$")).setSubstitution("\\1"))).build());
    assertThat(r.hashKey("/", Headers.of("x-user", "user-ann-12"))).isEqualTo("ann");
  }

  @Test
  void eachHeaderValueIsRewrittenThenTheValuesSorted() {
    XdsRouteMatch r = hashed(RouteAction.HashPolicy.newBuilder().setHeader(RouteAction.HashPolicy.Header.newBuilder()
        .setHeaderName("h")
        .setRegexRewrite(io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute.newBuilder()
            .setPattern(RegexMatcher.newBuilder().setRegex("^[a-z]+-")).setSubstitution(""))).build());
    // rewriting the joined string would strip only the first value's prefix
    assertThat(r.hashKey("/", new Headers.Builder().add("h", "x-2").add("h", "y-1").build()))
        .isEqualTo("1\u00002");
  }

  @Test
  void aRewriteNamingAGroupThePatternLacksIsRefused() {
    assertThat(errors(oneHost(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster("c").addHashPolicy(RouteAction.HashPolicy.newBuilder()
            .setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName("x-user")
                .setRegexRewrite(io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute.newBuilder()
                    .setPattern(RegexMatcher.newBuilder().setRegex("user-[a-z]+")).setSubstitution("\\1"))))))))
        .contains("route.hash_policy[0].header.regex_rewrite.substitution: '\\1' names group 1 but the pattern has 0");
  }
}
