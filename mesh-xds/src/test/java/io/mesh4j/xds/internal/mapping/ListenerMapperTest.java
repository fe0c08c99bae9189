package io.mesh4j.xds.internal.mapping;

import static io.mesh4j.xds.internal.mapping.IstioFixtures.ads;
import static io.mesh4j.xds.internal.mapping.IstioFixtures.listener;
import static io.mesh4j.xds.internal.mapping.IstioFixtures.router;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.ExtensionConfigSource;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes;
import org.junit.jupiter.api.Test;

class ListenerMapperTest {

  private static HttpConnectionManager.Builder hcm() {
    return HttpConnectionManager.newBuilder()
        .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName("orders-routes"))
        .addHttpFilters(router());
  }

  private static String errors(Listener l) {
    MappedListener m = ListenerMapper.map(l);
    assertThat(m.errors()).isNotEmpty();
    return String.join("\n", m.errors());
  }

  @Test
  void istiosApiListenerNamesItsRouteConfiguration() {
    MappedListener m = ListenerMapper.map(IstioFixtures.istioListener());
    assertThat(m.errors()).isEmpty();
    assertThat(m.routeConfigName()).isEqualTo(IstioFixtures.CLUSTER);
    assertThat(m.inlineRoutes()).isNull();
  }

  @Test
  void inlineRoutesAreHandedBack() {
    RouteConfiguration rc = IstioFixtures.istioRoutes();
    MappedListener m = ListenerMapper.map(listener(hcm().setRouteConfig(rc).build()));
    assertThat(m.errors()).isEmpty();
    assertThat(m.routeConfigName()).isNull();
    assertThat(m.inlineRoutes()).isEqualTo(rc);
  }

  @Test
  void rdsFromAnotherSourceThanAdsIsRefused() {
    assertThat(errors(listener(hcm().setRds(Rds.newBuilder().setRouteConfigName("r")
            .setConfigSource(ConfigSource.newBuilder().setApiConfigSource(ApiConfigSource.getDefaultInstance())))
        .build())))
        .contains("api_listener.api_listener.rds.config_source: must be ads or self");
  }

  @Test
  void scopedRoutesAndSocketListenersAreRefused() {
    assertThat(errors(listener(hcm().setScopedRoutes(ScopedRoutes.getDefaultInstance()).build())))
        .contains("api_listener.api_listener.scoped_routes: scoped routes are not supported");
    assertThat(errors(Listener.newBuilder().setName("0.0.0.0_8080").build()))
        .contains("api_listener: missing");
    assertThat(errors(Listener.newBuilder().setName("x").setApiListener(
            io.envoyproxy.envoy.config.listener.v3.ApiListener.newBuilder().setApiListener(Any.pack(router().getTypedConfig())))
        .build()))
        .contains("api_listener.api_listener: google.protobuf.Any is not supported");
  }

  @Test
  void theRouterFilterMustBeLast() {
    assertThat(errors(listener(hcm().clearHttpFilters().build())))
        .contains("http_filters: is empty: the router filter must be the last");
    assertThat(errors(listener(hcm().addHttpFilters(HttpFilter.newBuilder().setName("cors")
            .setTypedConfig(Any.pack(Cors.getDefaultInstance()))).build())))
        .contains("http_filters[0]: the router filter must be the last", "http_filters[1]: filter 'cors' is last");
  }

  @Test
  void unknownFiltersAreRefusedUnlessOptionalOrHarmless() {
    HttpFilter session = HttpFilter.newBuilder().setName("envoy.filters.http.stateful_session")
        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSession
            .getDefaultInstance())).build();
    assertThat(errors(listener(hcm().clearHttpFilters().addHttpFilters(session).addHttpFilters(router()).build())))
        .contains("http_filters[0].typed_config: filter 'envoy.filters.http.stateful_session'"
            + " (envoy.extensions.filters.http.stateful_session.v3.StatefulSession) is not supported and not optional");
    Listener ok = listener(hcm().clearHttpFilters()
        .addHttpFilters(session.toBuilder().setIsOptional(true))
        .addHttpFilters(HttpFilter.newBuilder().setName("cors").setTypedConfig(Any.pack(Cors.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("ecds").setIsOptional(true)
            .setConfigDiscovery(ExtensionConfigSource.getDefaultInstance()))
        .addHttpFilters(router()).build());
    assertThat(ListenerMapper.map(ok).errors()).isEmpty();
    assertThat(errors(listener(hcm().clearHttpFilters().addHttpFilters(HttpFilter.newBuilder().setName("ecds")
            .setConfigDiscovery(ExtensionConfigSource.getDefaultInstance())).addHttpFilters(router()).build())))
        .contains("http_filters[0].config_discovery: filter 'ecds': ECDS is not supported");
  }

  @Test
  void aDisabledFilterIsRefusedUnlessOptionalAsARouteCouldEnableIt() {
    HttpFilter session = HttpFilter.newBuilder().setName("envoy.filters.http.stateful_session").setDisabled(true)
        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSession
            .getDefaultInstance())).build();
    assertThat(errors(listener(hcm().clearHttpFilters().addHttpFilters(session).addHttpFilters(router()).build())))
        .contains("http_filters[0].typed_config: filter 'envoy.filters.http.stateful_session'");
    assertThat(ListenerMapper.map(listener(hcm().clearHttpFilters()
        .addHttpFilters(session.toBuilder().setIsOptional(true)).addHttpFilters(router()).build())).errors()).isEmpty();
    HttpFilter abort = HttpFilter.newBuilder().setName("envoy.filters.http.fault").setDisabled(true)
        .setTypedConfig(Any.pack(HTTPFault.newBuilder().setAbort(
            io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort.newBuilder().setHttpStatus(503)).build()))
        .build();
    assertThat(errors(listener(hcm().clearHttpFilters().addHttpFilters(abort).addHttpFilters(router()).build())))
        .contains("fault injection (delay, abort) is not supported");
  }

  @Test
  void anEmptyFaultFilterIsAcceptedButConfiguredFaultsAreNot() {
    HttpFilter abort = HttpFilter.newBuilder().setName("envoy.filters.http.fault")
        .setTypedConfig(Any.pack(HTTPFault.newBuilder().setAbort(
            io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort.newBuilder().setHttpStatus(503)).build()))
        .build();
    assertThat(errors(listener(hcm().clearHttpFilters().addHttpFilters(abort).addHttpFilters(router()).build())))
        .contains("http_filters[0].typed_config: filter 'envoy.filters.http.fault': fault injection (delay, abort)"
            + " is not supported");
  }
}
