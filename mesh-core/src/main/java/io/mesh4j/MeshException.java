package io.mesh4j;

/** Base of the mesh's unchecked exceptions: startup and configuration errors. */
public class MeshException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MeshException(String message) {
    super(message);
  }

  public MeshException(String message, Throwable cause) {
    super(message, cause);
  }
}
