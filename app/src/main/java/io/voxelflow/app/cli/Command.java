package io.voxelflow.app.cli;

import java.util.List;
import java.util.Set;

/** One {@code voxelflow} sub-command. */
public interface Command {
  /** The word that selects it, e.g. {@code nifti-info}. */
  String name();

  /** One-line synopsis for {@code voxelflow help}. */
  String synopsis();

  /** Options without a value. */
  default Set<String> flags() {
    return Set.of();
  }

  /** Options with one value. */
  default Set<String> valued() {
    return Set.of();
  }

  /**
   * Runs the command: its result (one JSON object, or paths) on {@code io.out()}, logs and
   * progress on {@code io.err()}. Throws for errors; the caller maps them to exit codes.
   *
   * @return the exit code (0 on success)
   */
  int run(Args args, CliIo io) throws Exception;

  /** Parses and runs. */
  default int run(List<String> argv, CliIo io) throws Exception {
    return run(Args.parse(argv, flags(), valued()), io);
  }
}
