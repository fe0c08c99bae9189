package io.mesh4j.xds.internal.bootstrap;

import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Map;
import java.util.Set;

/**
 * What a bootstrap document says, before {@code mesh.xds.*} keys override it and mesh4j's user
 * agent is added: the parse result of {@link BootstrapJson}.
 */
record BootstrapContent(
    String serverUri,
    XdsServerTarget target,
    String channelCredentials,
    CertificateProviderConfig tlsCredentials,
    Set<String> serverFeatures,
    Node node,
    Map<String, CertificateProviderConfig> certificateProviders) {}
