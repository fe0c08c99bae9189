package io.mesh4j.xds.internal.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class XdsServerTargetTest {

  @Test
  void hostAndPortIsATcpTargetPassedToGrpcAsWritten() {
    assertThat(XdsServerTarget.parse("xds.example:15010")).isEqualTo(new XdsServerTarget.Tcp("xds.example:15010"));
    assertThat(XdsServerTarget.parse("127.0.0.1:15010")).isEqualTo(new XdsServerTarget.Tcp("127.0.0.1:15010"));
    assertThat(XdsServerTarget.parse("[::1]:15010")).isEqualTo(new XdsServerTarget.Tcp("[::1]:15010"));
  }

  @Test
  void dnsTargetsKeepTheirScheme() {
    assertThat(XdsServerTarget.parse("dns:///istiod.istio-system.svc:15010"))
        .isEqualTo(new XdsServerTarget.Tcp("dns:///istiod.istio-system.svc:15010"));
  }

  @Test
  void aDnsTargetNamingADnsServerIsRefusedSinceGrpcWouldIgnoreIt() {
    assertThatThrownBy(() -> XdsServerTarget.parse("dns://8.8.8.8/istiod.example:15010"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dns://8.8.8.8/istiod.example:15010")
        .hasMessageContaining("names a DNS server (8.8.8.8)")
        .hasMessageContaining("dns:///host:port");
  }

  @Test
  void unixTargetsAreAbsoluteNormalizedSocketPaths() {
    assertThat(XdsServerTarget.parse("unix:///etc/istio/proxy/XDS"))
        .isEqualTo(new XdsServerTarget.Unix(Path.of("/etc/istio/proxy/XDS")));
    assertThat(XdsServerTarget.parse("unix:/etc/istio/proxy/XDS"))
        .isEqualTo(new XdsServerTarget.Unix(Path.of("/etc/istio/proxy/XDS")));
    // istio-agent writes unix:///./etc/istio/proxy/XDS when its XDS path is relative
    assertThat(XdsServerTarget.parse("unix:///./etc/istio/proxy/XDS"))
        .isEqualTo(new XdsServerTarget.Unix(Path.of("/etc/istio/proxy/XDS")));
    // stock istio-agent: fmt.Sprintf("unix:///%s", "/etc/istio/proxy/XDS") gives four slashes
    assertThat(XdsServerTarget.parse("unix:////etc/istio/proxy/XDS"))
        .isEqualTo(new XdsServerTarget.Unix(Path.of("/etc/istio/proxy/XDS")));
    assertThat(XdsServerTarget.parse("unix:run/xds.sock"))
        .isEqualTo(new XdsServerTarget.Unix(Path.of("run/xds.sock").toAbsolutePath().normalize()));
  }

  @Test
  void aTargetWithoutPortIsRefusedSayingSo() {
    assertThatThrownBy(() -> XdsServerTarget.parse("istiod.istio-system.svc"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no port");
    assertThatThrownBy(() -> XdsServerTarget.parse("dns:///istiod"))
        .hasMessageContaining("has no port");
    assertThatThrownBy(() -> XdsServerTarget.parse("[::1]"))
        .hasMessageContaining("has no port");
  }

  @Test
  void badPortsSchemesAndSocketsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> XdsServerTarget.parse("istiod:http")).hasMessageContaining("bad port 'http'");
    assertThatThrownBy(() -> XdsServerTarget.parse("istiod:70000")).hasMessageContaining("bad port '70000'");
    assertThatThrownBy(() -> XdsServerTarget.parse("https://istiod:15012"))
        .hasMessageContaining("unsupported scheme 'https'");
    assertThatThrownBy(() -> XdsServerTarget.parse("unix-abstract:xds"))
        .hasMessageContaining("abstract unix sockets");
    assertThatThrownBy(() -> XdsServerTarget.parse("unix://host/sock")).hasMessageContaining("has an authority");
    assertThatThrownBy(() -> XdsServerTarget.parse("unix:")).hasMessageContaining("names no socket file");
    assertThatThrownBy(() -> XdsServerTarget.parse(" ")).hasMessageContaining("empty server URI");
    assertThatThrownBy(() -> XdsServerTarget.parse("dns:istiod:15010"))
        .hasMessageContaining("is not a dns target (expected dns:///host:port)");
  }
}
