package io.voxelflow.app.cli;

import io.voxelflow.error.InvalidArgumentException;

/** A command line that cannot be run as given: exit code 2 with one line naming the problem. */
public class UsageException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super("BAD_COMMAND_LINE", message);
  }
}
