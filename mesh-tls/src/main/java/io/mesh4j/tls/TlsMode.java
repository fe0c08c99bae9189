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
    // The config loader appends "(expected: ...)"; the message says only what is wrong.
    throw new IllegalArgumentException(io.mesh4j.tls.internal.ConfigText.unknown(
        "unknown TLS mode", s, java.util.List.of("strict", "permissive", "disabled")));
  }
}
