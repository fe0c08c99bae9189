package io.mesh4j.tls.internal;

import io.mesh4j.MeshException;

/**
 * Refuses TLS on JDKs that accept forged ECDSA signatures (CVE-2022-21449, "psychic
 * signatures"): 15, 16, 17.0.0 to 17.0.2 and 18.0.0. With those, any peer could impersonate any
 * SPIFFE ID.
 */
public final class JdkVersionGuard {

  private JdkVersionGuard() {}

  public static void check() {
    check(Runtime.version());
  }

  /** @throws MeshException naming the JDK and the fix */
  public static void check(Runtime.Version v) {
    boolean affected =
        v.feature() == 15
            || v.feature() == 16
            || (v.feature() == 17 && v.interim() == 0 && v.update() < 3)
            || (v.feature() == 18 && v.interim() == 0 && v.update() == 0);
    if (affected) {
      throw new MeshException(
          "mesh-tls refuses to start TLS on Java " + v
              + ": this JDK accepts forged ECDSA signatures (CVE-2022-21449), so any peer could claim any "
              + "SPIFFE ID. Upgrade to 17.0.3 or later.");
    }
  }
}
