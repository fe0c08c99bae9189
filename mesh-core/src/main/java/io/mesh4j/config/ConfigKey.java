package io.mesh4j.config;

import java.util.Objects;

/**
 * One declared configuration key: its name, how its value is parsed, its default. Global keys are
 * full names ({@code mesh.tls.mode}); service keys are relative to {@code mesh.services.<name>.}
 * and may also be given once for every service under {@code mesh.defaults.}. Immutable.
 */
public final class ConfigKey<T> {

  /** Where a key lives. */
  public enum Scope {
    GLOBAL,
    SERVICE
  }

  private final String name;
  private final Scope scope;
  private final ValueParser<T> parser;
  private final T defaultValue;
  private final boolean required;
  private final String description;
  private final boolean appliesLive;

  private ConfigKey(Builder<T> b) {
    this.name = b.name;
    this.scope = b.scope;
    this.parser = b.parser;
    this.defaultValue = b.defaultValue;
    this.required = b.required;
    this.description = b.description;
    this.appliesLive = b.appliesLive != null ? b.appliesLive : b.scope == Scope.SERVICE;
  }

  /** A key with one value for the whole mesh, named in full ({@code mesh.tls.mode}). */
  public static <T> Builder<T> global(String fullName, ValueParser<T> parser) {
    if (!fullName.startsWith("mesh.")) {
      throw new IllegalArgumentException("global key must start with 'mesh.': " + fullName);
    }
    return new Builder<>(fullName, Scope.GLOBAL, parser);
  }

  /** A per-service key, named relative to {@code mesh.services.<name>.} ({@code timeout}). */
  public static <T> Builder<T> service(String relativeName, ValueParser<T> parser) {
    if (relativeName.startsWith("mesh.")) {
      throw new IllegalArgumentException("service key must be relative: " + relativeName);
    }
    return new Builder<>(relativeName, Scope.SERVICE, parser);
  }

  /** Full name for a global key; the relative name for a service key. */
  public String name() {
    return name;
  }

  public Scope scope() {
    return scope;
  }

  public ValueParser<T> parser() {
    return parser;
  }

  /** The value used when nothing sets the key; null when it has none. */
  public T defaultValue() {
    return defaultValue;
  }

  public boolean required() {
    return required;
  }

  public String description() {
    return description;
  }

  /**
   * True when a changed value takes effect in a running client (a config reload); false when it
   * needs a new client. Every per-service key applies live (modules follow the service's
   * lifecycle); a global key applies live only when its owner says so.
   */
  public boolean appliesLive() {
    return appliesLive;
  }

  /** How the key is written in a file: {@code mesh.services.<name>.timeout} for a service key. */
  public String displayName() {
    return scope == Scope.GLOBAL ? name : "mesh.services.<name>." + name;
  }

  @Override
  public String toString() {
    return displayName();
  }

  /** Builds a {@link ConfigKey}. */
  public static final class Builder<T> {
    private final String name;
    private final Scope scope;
    private final ValueParser<T> parser;
    private T defaultValue;
    private boolean required;
    private String description = "";
    private Boolean appliesLive;

    private Builder(String name, Scope scope, ValueParser<T> parser) {
      this.name = Objects.requireNonNull(name, "name");
      this.scope = scope;
      this.parser = Objects.requireNonNull(parser, "parser");
    }

    public Builder<T> defaultValue(T value) {
      this.defaultValue = value;
      return this;
    }

    public Builder<T> required() {
      this.required = true;
      return this;
    }

    public Builder<T> description(String text) {
      this.description = Objects.requireNonNull(text, "description");
      return this;
    }

    /**
     * A global key whose owner applies a changed value in a running client ({@link
     * io.mesh4j.spi.MeshExtension#onConfigChanged}); global keys need a restart otherwise.
     */
    public Builder<T> appliesLive() {
      if (scope != Scope.GLOBAL) {
        throw new IllegalStateException("per-service keys always apply live: " + name);
      }
      this.appliesLive = true;
      return this;
    }

    public ConfigKey<T> build() {
      return new ConfigKey<>(this);
    }
  }
}
