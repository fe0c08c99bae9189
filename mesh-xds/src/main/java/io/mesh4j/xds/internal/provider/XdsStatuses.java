package io.mesh4j.xds.internal.provider;

import io.mesh4j.xds.XdsStatus;
import io.mesh4j.xds.internal.client.XdsClientStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The ADS client's internal status as the public {@link XdsStatus}. */
final class XdsStatuses {

  static final XdsStatus IDLE = new XdsStatus(XdsClientStatus.StreamState.IDLE.name(), null, Map.of());

  private XdsStatuses() {}

  static XdsStatus of(XdsClientStatus status) {
    Map<String, XdsStatus.TypeStatus> types = new LinkedHashMap<>();
    status.types().forEach((type, t) -> {
      Map<String, String> resources = new TreeMap<>();
      t.resources().forEach((name, state) -> resources.put(name, state.name()));
      types.put(type.shortName(), new XdsStatus.TypeStatus(t.ackedVersion(), t.lastNonce(),
          t.lastNack().map(n -> new XdsStatus.Nack(n.version(), n.nonce(), n.detail(), n.time())), resources));
    });
    return new XdsStatus(status.stream().name(), status.lastStreamError(), types);
  }
}
