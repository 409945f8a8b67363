package io.voxelflow.error;

/** A {@link VoxelflowException} of kind {@link Kind#FAILED_PRECONDITION}. */
public class FailedPreconditionException extends VoxelflowException {
  private static final long serialVersionUID = 1L;

  public FailedPreconditionException(String message) {
    this("FAILED_PRECONDITION", message, null);
  }

  public FailedPreconditionException(String reason, String message) {
    this(reason, message, null);
  }

  public FailedPreconditionException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.FAILED_PRECONDITION;
  }
}
