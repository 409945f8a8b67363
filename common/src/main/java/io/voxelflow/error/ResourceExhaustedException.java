package io.voxelflow.error;

/** A {@link VoxelflowException} of kind {@link Kind#RESOURCE_EXHAUSTED}. */
public class ResourceExhaustedException extends VoxelflowException {
  private static final long serialVersionUID = 1L;

  public ResourceExhaustedException(String message) {
    this("RESOURCE_EXHAUSTED", message, null);
  }

  public ResourceExhaustedException(String reason, String message) {
    this(reason, message, null);
  }

  public ResourceExhaustedException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.RESOURCE_EXHAUSTED;
  }
}
