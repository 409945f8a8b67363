package io.voxelflow.error;

/** A {@link VoxelflowException} of kind {@link Kind#UNAVAILABLE}. */
public class UnavailableException extends VoxelflowException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message) {
    this("UNAVAILABLE", message, null);
  }

  public UnavailableException(String reason, String message) {
    this(reason, message, null);
  }

  public UnavailableException(String reason, String message, Throwable cause) {
    super(reason, message, cause);
  }

  @Override
  public Kind kind() {
    return Kind.UNAVAILABLE;
  }
}
