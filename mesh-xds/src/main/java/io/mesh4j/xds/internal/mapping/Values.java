package io.mesh4j.xds.internal.mapping;

import com.google.protobuf.Any;
import io.mesh4j.config.ValueParsers;
import java.time.Duration;

/** Protobuf values as the mesh's keys write them. */
final class Values {

  /** The longest duration a mesh key takes ({@link ValueParsers#MAX_DURATION}). */
  static final Duration MAX = ValueParsers.MAX_DURATION;

  private Values() {}

  /** protobuf's range for a Duration: about ±10000 years. */
  static final long MAX_PROTO_SECONDS = 315_576_000_000L;

  /**
   * The duration, or null after adding an error naming {@code field} when it is not a valid
   * protobuf Duration (seconds within ±315576000000, nanos within ±999999999 and of the same sign),
   * which could otherwise overflow where it is used.
   */
  static Duration duration(com.google.protobuf.Duration d, String field, Errors errors) {
    long s = d.getSeconds();
    int n = d.getNanos();
    if (s < -MAX_PROTO_SECONDS || s > MAX_PROTO_SECONDS || n < -999_999_999 || n > 999_999_999
        || (s < 0 && n > 0) || (s > 0 && n < 0)) {
      errors.add(field, "is not a valid Duration (seconds " + s + ", nanos " + n + ")");
      return null;
    }
    return Duration.ofSeconds(s, n);
  }

  /**
   * A positive protobuf duration in the mesh's format ({@code 250ms}, {@code 2s}), or null after
   * adding an error when it is negative, zero or longer than the mesh takes.
   */
  static String positiveDuration(com.google.protobuf.Duration d, String field, Errors errors) {
    Duration v = duration(d, field, errors);
    if (v == null) {
      return null;
    }
    if (v.isNegative() || v.isZero()) {
      errors.add(field, "must be greater than 0, was " + text(v));
      return null;
    }
    if (v.compareTo(MAX) > 0) {
      errors.add(field, text(v) + " is longer than the mesh's limit of " + ValueParsers.formatDuration(MAX));
      return null;
    }
    return ValueParsers.formatDuration(v);
  }

  /** A duration as the mesh's keys and messages write it ({@code 250ms}, {@code 2s}). */
  static String text(Duration d) {
    return ValueParsers.formatDuration(d);
  }

  /** The message type of an Any, without {@code type.googleapis.com/}. */
  static String typeName(Any any) {
    String url = any.getTypeUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }
}
