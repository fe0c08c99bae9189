package io.mesh4j.config;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every fuzz target asserts about a rejection, whatever the parser. The other modules use
 * mesh-testing's FuzzTargets; mesh-core cannot (mesh-testing depends on it).
 */
final class FuzzContracts {

  private FuzzContracts() {}

  /**
   * A parser's one way to refuse input: exactly {@link IllegalArgumentException} (not a subclass
   * such as {@link NumberFormatException}, whose message would be the JDK's, not the parser's)
   * with a message that says something, starting with {@code prefix} when one is given.
   */
  static void rejectedWithMessage(IllegalArgumentException e, String prefix) {
    assertThat(e.getClass()).as("rejection type of %s", e).isEqualTo(IllegalArgumentException.class);
    assertThat(e.getMessage()).as("rejection message").isNotBlank();
    if (prefix != null) {
      assertThat(e.getMessage()).as("rejection message").startsWith(prefix);
    }
  }
}
