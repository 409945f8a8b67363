package io.voxelflow.error;

/** A {@link VoxelflowException} of kind {@link Kind#INVALID_ARGUMENT}. */
public class InvalidArgumentException extends VoxelflowException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    this("INVALID_ARGUMENT", message, null);
  }

  public InvalidArgumentException(String reason, String message) {
    this(reason, message, null);
  }

  public InvalidArgumentException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.INVALID_ARGUMENT;
  }
}
