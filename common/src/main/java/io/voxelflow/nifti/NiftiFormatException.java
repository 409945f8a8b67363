package io.voxelflow.nifti;

import io.voxelflow.error.InvalidArgumentException;

/**
 * A file is not a NIfTI image Voxelflow can read: wrong magic, impossible dimensions, an unknown
 * datatype, truncated or corrupt data. The message says which, in one line.
 */
public class NiftiFormatException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  public NiftiFormatException(String message) {
    super("INVALID_NIFTI", message);
  }

  public NiftiFormatException(String message, Throwable cause) {
    super("INVALID_NIFTI", message, cause);
  }
}
