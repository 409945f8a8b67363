package io.voxelflow.error;

/** A {@link VoxelflowException} of kind {@link Kind#ALREADY_EXISTS}. */
public class AlreadyExistsException extends VoxelflowException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String message) {
    this("ALREADY_EXISTS", message, null);
  }

  public AlreadyExistsException(String reason, String message) {
    this(reason, message, null);
  }

  public AlreadyExistsException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.ALREADY_EXISTS;
  }
}
