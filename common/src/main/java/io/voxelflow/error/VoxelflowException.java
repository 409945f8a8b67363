package io.voxelflow.error;

/**
 * Base of every domain error Voxelflow raises on purpose. Each subclass stands for one kind of
 * problem; {@link ErrorMapping} turns it into a gRPC status (and the gateway into an HTTP code)
 * in one place. The message names the problem and, where it helps, what to do about it.
 */
public abstract class VoxelflowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final java.util.Map<String, String> metadata = new java.util.TreeMap<>();

  /**
   * @param reason an UPPER_SNAKE_CASE reason, sent as {@code google.rpc.ErrorInfo.reason}
   * @param message what is wrong, for people
   */
  protected VoxelflowException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The machine-readable reason, e.g. {@code INVALID_NIFTI}. */
  public String reason() {
    return reason;
  }

  /** Adds a detail sent as {@code google.rpc.ErrorInfo.metadata} (e.g. {@code limit_bytes}). */
  public VoxelflowException with(String key, Object value) {
    metadata.put(key, String.valueOf(value));
    return this;
  }

  /** Details sent in {@code google.rpc.ErrorInfo.metadata}. */
  public java.util.Map<String, String> metadata() {
    return java.util.Collections.unmodifiableMap(metadata);
  }

  /** The kind of problem, which decides the status code. */
  public abstract Kind kind();

  /** Kinds of problems, each with one gRPC status code and one HTTP status. */
  public enum Kind {
    /** The caller sent something wrong: a malformed file, a bad shape, a bad option. */
    INVALID_ARGUMENT,
    /** A named resource does not exist. */
    NOT_FOUND,
    /** The resource exists but is in the wrong state for the request. */
    FAILED_PRECONDITION,
    /** A size or memory limit was hit. */
    RESOURCE_EXHAUSTED,
    /** A dependency (e.g. object storage) is down; retrying later may work. */
    UNAVAILABLE,
    /** The resource already exists. */
    ALREADY_EXISTS
  }
}
