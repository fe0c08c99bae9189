package io.mesh4j.tls;

/** {@code mesh.tls.mode}. */
public enum TlsMode {
  /** Mesh calls use mTLS; servers require a client SVID. The default. */
  STRICT("strict"),
  /** Mesh calls use mTLS; servers also accept plaintext (see docs/tls.md for how). */
  PERMISSIVE("permissive"),
  /** No TLS on mesh routes. */
  DISABLED("disabled");

  private final String text;

  TlsMode(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  public static TlsMode parse(String s) {
    for (TlsMode m : values()) {
      if (m.text.equals(s.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown TLS mode '" + s + "' (expected strict, permissive or disabled)");
  }
}
