package io.mesh4j.xds.internal.bootstrap;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The bootstraps one client has read, by source (the file's path, or the JSON of
 * {@code $GRPC_XDS_BOOTSTRAP_CONFIG}). The {@code mesh.xds.*} keys and the environment take effect
 * at restart only, so each source is read and parsed once: later validations (every reload and
 * overlay push, under the config lock) neither touch the disk nor fail because the file has since
 * gone. A failed read is not kept, so the next validation reports the file's state again.
 * One per client (the {@code xds} provider instance holds it); thread-safe.
 */
public final class BootstrapCache {

  private final Map<Object, BootstrapContent> read = new ConcurrentHashMap<>();

  BootstrapContent get(Object source, Supplier<BootstrapContent> reader) {
    BootstrapContent content = read.get(source);
    if (content == null) {
      content = reader.get(); // a MeshConfigException leaves nothing behind
      BootstrapContent raced = read.putIfAbsent(source, content);
      if (raced != null) {
        content = raced;
      }
    }
    return content;
  }
}
