package io.mesh4j.lb;

import io.mesh4j.config.ConfigKey;
import io.mesh4j.config.ValueParsers;
import java.util.regex.Pattern;

/**
 * Load-balancing keys that the core pipeline reads as well as the policies. Policy-specific tuning
 * keys are declared by the policies themselves ({@link LoadBalancerProvider#serviceKeys()}).
 */
public final class LoadBalancerKeys {

  /** RFC 9110 token characters: what a header name may contain. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /**
   * {@code mesh.services.<name>.lb.hash-header}: the request header whose value is the hash key for
   * ring-hash and maglev. Unset, or a request without the header, means a random pick.
   */
  public static final ConfigKey<String> HASH_HEADER =
      ConfigKey.service(
              "lb.hash-header",
              ValueParsers.of(
                  "an HTTP header name such as x-user-id",
                  s -> {
                    String v = s.trim();
                    if (!HEADER_NAME.matcher(v).matches()) {
                      throw new IllegalArgumentException("not an HTTP header name");
                    }
                    return v;
                  }))
          .description(
              "Request header whose value consistent-hash policies (ring-hash, maglev) hash to"
                  + " choose an endpoint; requests without it are spread at random.")
          .build();

  private LoadBalancerKeys() {}
}
