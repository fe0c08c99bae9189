package io.mesh4j.xds.internal.mapping;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A cluster's transport socket as {@code tls.mode} and {@code identity}. The mesh does mTLS with its
 * own certificate source (gRPC's certificate-provider approach, A29): provider instances are
 * accepted by name, certificates or trust given inline or through SDS are refused, and anything that
 * cannot be enforced is an error — never plaintext instead.
 */
final class UpstreamTlsMapper {

  static final String TLS = "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
  static final String RAW_BUFFER = "envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";
  private static final String USE_MESH_SOURCE = "use the mesh's certificate source (mesh.tls.source)"
      + " through a certificate provider instance";
  /**
   * A workload SPIFFE ID as the SPIFFE standard and mesh-tls take it: a lower-case trust domain and a
   * path of segments of letters, digits, '.', '-' and '_' (no '.' or '..' segment).
   */
  private static final Pattern SPIFFE_ID = Pattern.compile("spiffe://[a-z0-9._-]{1,255}(/[A-Za-z0-9._-]+)+");

  private UpstreamTlsMapper() {}

  static void map(Cluster cluster, Map<String, String> keys, Errors errors) {
    if (cluster.getTransportSocketMatchesCount() > 0) {
      // Istio's sidecar auto-mTLS shape: TLS chosen per endpoint by metadata; the mesh chooses per
      // cluster. Refused even beside transport_socket (gRPC's rule): that one is only the fallback,
      // often plaintext where a match would have chosen TLS
      errors.add("transport_socket_matches", "not supported (the mesh chooses TLS per cluster); send"
          + " transport_socket only");
      return;
    }
    if (!cluster.hasTransportSocket()) {
      keys.put("tls.mode", "disabled"); // the cluster says plaintext: say it explicitly
      return;
    }
    TransportSocket socket = cluster.getTransportSocket();
    if (!socket.hasTypedConfig()) {
      errors.add("transport_socket", "'" + socket.getName() + "' has no typed_config");
      return;
    }
    String type = Values.typeName(socket.getTypedConfig());
    if (type.equals(RAW_BUFFER)) {
      keys.put("tls.mode", "disabled");
      return;
    }
    if (!type.equals(TLS)) {
      errors.add("transport_socket.typed_config", type + " is not supported (only UpstreamTlsContext or"
          + " RawBuffer); refusing rather than sending plaintext");
      return;
    }
    UpstreamTlsContext tls;
    try {
      tls = socket.getTypedConfig().unpack(UpstreamTlsContext.class);
    } catch (InvalidProtocolBufferException e) {
      errors.add("transport_socket.typed_config", "cannot be read as UpstreamTlsContext: " + e.getMessage());
      return;
    }
    int before = errors.size();
    Set<String> ids = new LinkedHashSet<>();
    commonTlsContext(tls.getCommonTlsContext(), "transport_socket.typed_config.common_tls_context", ids, errors);
    // sni: the mesh authorizes by SPIFFE ID, not by server name; ignored
    if (errors.size() == before) {
      keys.put("tls.mode", "strict");
      if (!ids.isEmpty()) {
        keys.put("identity", String.join(",", ids));
      }
    }
  }

  private static void commonTlsContext(CommonTlsContext c, String f, Set<String> ids, Errors errors) {
    if (c.getTlsCertificatesCount() > 0) {
      errors.add(f + ".tls_certificates", "inline certificates are not supported: " + USE_MESH_SOURCE);
    }
    if (c.getTlsCertificateSdsSecretConfigsCount() > 0) {
      errors.add(f + ".tls_certificate_sds_secret_configs", "SDS is not supported: " + USE_MESH_SOURCE);
    }
    if (c.hasTlsParams()) {
      tlsParams(c.getTlsParams(), f + ".tls_params", errors);
    }
    // tls_certificate_provider_instance (Istio: "default"): accepted, the mesh's SVID is presented;
    // none at all: the mesh still presents its SVID (mTLS is never weaker than asked)
    switch (c.getValidationContextTypeCase()) {
      case VALIDATION_CONTEXT -> validationContext(c.getValidationContext(), f + ".validation_context", ids, errors);
      case COMBINED_VALIDATION_CONTEXT -> {
        CommonTlsContext.CombinedCertificateValidationContext combined = c.getCombinedValidationContext();
        String cf = f + ".combined_validation_context";
        if (combined.hasValidationContextSdsSecretConfig()) {
          errors.add(cf + ".validation_context_sds_secret_config", "SDS is not supported: " + USE_MESH_SOURCE);
        }
        // validation_context_certificate_provider_instance (Istio: "ROOTCA"): the mesh's bundle
        validationContext(combined.getDefaultValidationContext(), cf + ".default_validation_context", ids, errors);
      }
      case VALIDATION_CONTEXT_SDS_SECRET_CONFIG ->
          errors.add(f + ".validation_context_sds_secret_config", "SDS is not supported: " + USE_MESH_SOURCE);
      default -> {
        // a certificate provider instance, or nothing: trust is the mesh's bundle
      }
    }
  }

  /**
   * The mesh's own versions and suites apply (mesh.tls.min-version: 1.3, or 1.2 with ECDHE + AEAD):
   * what would ask for more than they guarantee is refused rather than silently not enforced.
   */
  private static void tlsParams(TlsParameters p, String f, Errors errors) {
    if (p.getTlsMinimumProtocolVersion() == TlsParameters.TlsProtocol.TLSv1_3) {
      errors.add(f + ".tls_minimum_protocol_version", "TLSv1_3 is not supported: the mesh's minimum is"
          + " mesh.tls.min-version for every connection, which a cluster cannot raise");
    }
    if (p.getCipherSuitesCount() > 0) {
      errors.add(f + ".cipher_suites", "not supported: the mesh's own cipher suites apply");
    }
    if (p.getEcdhCurvesCount() > 0) {
      errors.add(f + ".ecdh_curves", "not supported: the mesh's own curves apply");
    }
    if (p.getSignatureAlgorithmsCount() > 0) {
      errors.add(f + ".signature_algorithms", "not supported: the mesh's own signature algorithms apply");
    }
    if (p.getCompliancePoliciesCount() > 0) {
      errors.add(f + ".compliance_policies", "not supported");
    }
    // tls_maximum_protocol_version: the mesh may use a newer version than the cap, never a weaker one
  }

  private static void validationContext(CertificateValidationContext v, String f, Set<String> ids, Errors errors) {
    if (v.hasRequireSignedCertificateTimestamp() && v.getRequireSignedCertificateTimestamp().getValue()) {
      errors.add(f + ".require_signed_certificate_timestamp", "certificate transparency is not checked by the mesh");
    }
    if (v.hasTrustedCa()) {
      errors.add(f + ".trusted_ca", "inline trust is not supported: " + USE_MESH_SOURCE);
    }
    if (v.getVerifyCertificateSpkiCount() > 0) {
      errors.add(f + ".verify_certificate_spki", "certificate pinning is not supported");
    }
    if (v.getVerifyCertificateHashCount() > 0) {
      errors.add(f + ".verify_certificate_hash", "certificate pinning is not supported");
    }
    if (v.hasCrl()) {
      errors.add(f + ".crl", "CRLs are not supported");
    }
    if (v.getAllowExpiredCertificate()) {
      errors.add(f + ".allow_expired_certificate", "the mesh never accepts an expired certificate");
    }
    if (v.getTrustChainVerification() != CertificateValidationContext.TrustChainVerification.VERIFY_TRUST_CHAIN) {
      errors.add(f + ".trust_chain_verification", v.getTrustChainVerification() + ": the mesh always verifies the chain");
    }
    if (v.hasCustomValidatorConfig()) {
      errors.add(f + ".custom_validator_config", "custom certificate validators are not supported");
    }
    // Envoy: the deprecated match_subject_alt_names is ignored when match_typed_subject_alt_names is set
    for (int i = 0; v.getMatchTypedSubjectAltNamesCount() == 0 && i < v.getMatchSubjectAltNamesCount(); i++) {
      spiffeId(v.getMatchSubjectAltNames(i), f + ".match_subject_alt_names[" + i + "]", ids, errors);
    }
    for (int i = 0; i < v.getMatchTypedSubjectAltNamesCount(); i++) {
      SubjectAltNameMatcher m = v.getMatchTypedSubjectAltNames(i);
      String mf = f + ".match_typed_subject_alt_names[" + i + "]";
      if (m.getSanType() != SubjectAltNameMatcher.SanType.URI) {
        errors.add(mf + ".san_type", m.getSanType() + " is not supported: the mesh authorizes by the URI SAN"
            + " (SPIFFE ID) only");
      } else {
        spiffeId(m.getMatcher(), mf + ".matcher", ids, errors);
      }
    }
  }

  private static void spiffeId(StringMatcher m, String f, Set<String> ids, Errors errors) {
    if (m.getMatchPatternCase() != StringMatcher.MatchPatternCase.EXACT) {
      errors.add(f, m.getMatchPatternCase().name().toLowerCase(java.util.Locale.ROOT) + " matchers are not"
          + " supported: mesh identities are exact SPIFFE IDs");
      return;
    }
    if (m.getIgnoreCase()) {
      errors.add(f + ".ignore_case", "not supported: SPIFFE ID paths are case-sensitive");
      return;
    }
    String id = m.getExact();
    if (!SPIFFE_ID.matcher(id).matches() || id.length() > 2048 || id.contains("/./") || id.contains("/../")
        || id.endsWith("/.") || id.endsWith("/..")) {
      errors.add(f + ".exact", "'" + id + "' is not a SPIFFE ID with a path (spiffe://trust-domain/path)");
      return;
    }
    ids.add(id);
  }
}
