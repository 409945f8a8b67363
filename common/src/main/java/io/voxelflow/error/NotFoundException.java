package io.voxelflow.error;

/** A {@link VoxelflowException} of kind {@link Kind#NOT_FOUND}. */
public class NotFoundException extends VoxelflowException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    this("NOT_FOUND", message, null);
  }

  public NotFoundException(String reason, String message) {
    this(reason, message, null);
  }

  public NotFoundException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.NOT_FOUND;
  }
}
