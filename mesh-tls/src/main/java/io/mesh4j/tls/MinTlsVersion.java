package io.mesh4j.tls;

/** The lowest TLS version mesh connections accept ({@code mesh.tls.min-version}). */
public enum MinTlsVersion {
  /** TLS 1.3 only: the default. */
  TLS_1_3("1.3"),
  /** TLS 1.3 and 1.2, the latter with ECDHE and AEAD cipher suites only. */
  TLS_1_2("1.2");

  private final String text;

  MinTlsVersion(String text) {
    this.text = text;
  }

  /** As written in properties: {@code 1.3} or {@code 1.2}. */
  public String text() {
    return text;
  }

  /** @throws IllegalArgumentException for anything but {@code 1.3} or {@code 1.2} */
  public static MinTlsVersion parse(String s) {
    for (MinTlsVersion v : values()) {
      if (v.text.equals(s.trim())) {
        return v;
      }
    }
    // The config loader appends "(expected: 1.3 or 1.2)"; no near-miss hint for version numbers.
    throw new IllegalArgumentException("unsupported TLS version '" + s + "'");
  }
}
