package io.mesh4j.spring.boot.internal;

import io.mesh4j.MeshClient;
import io.mesh4j.tls.MeshTlsExtension;
import io.mesh4j.tls.SvidStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.util.ClassUtils;

/** This workload's SVID (never the certificate itself); only touched when mesh-tls is on the classpath. */
final class TlsDetails {

  static final boolean AVAILABLE =
      ClassUtils.isPresent("io.mesh4j.tls.MeshTlsExtension", TlsDetails.class.getClassLoader());

  private TlsDetails() {}

  /** The SVID's ID, expiry and rotations; empty when mTLS is off. */
  static Optional<Map<String, Object>> of(MeshClient mesh) {
    return mesh.extension(MeshTlsExtension.class)
        .flatMap(MeshTlsExtension::source)
        .map(source -> details(source.status()));
  }

  /** The trust domain the mesh runs with, and whether mTLS is on, for the info endpoint. */
  static Optional<String> mode(MeshClient mesh) {
    return mesh.extension(MeshTlsExtension.class).map(tls -> tls.mode().name().toLowerCase(java.util.Locale.ROOT));
  }

  private static Map<String, Object> details(SvidStatus status) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("spiffeId", status.spiffeId().toString());
    d.put("notAfter", status.notAfter().toString());
    d.put("secondsToExpiry", status.secondsToExpiry());
    d.put("rotations", status.rotations());
    d.put("renewalFailures", status.renewalFailures());
    status.lastFailure().ifPresent(f -> d.put("lastFailure", f));
    return d;
  }
}
