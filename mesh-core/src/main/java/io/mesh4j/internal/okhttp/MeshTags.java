package io.mesh4j.internal.okhttp;

import io.mesh4j.pipeline.MeshAttempt;
import kotlin.jvm.JvmClassMappingKt;
import kotlin.reflect.KClass;

/**
 * The request tags the mesh reads and writes, as OkHttp keys them. {@code Request.tag(Class)} and
 * {@code Request.Builder.tag(Class, T)} map the class to a Kotlin class on every call (an object
 * each); the {@link KClass} overloads take that mapping done once. Tags set either way are the same.
 */
final class MeshTags {

  static final KClass<MeshAttempt> ATTEMPT = JvmClassMappingKt.getKotlinClass(MeshAttempt.class);
  static final KClass<OriginalHeaders> ORIGINAL_HEADERS = JvmClassMappingKt.getKotlinClass(OriginalHeaders.class);

  private MeshTags() {}
}
