package io.voxelflow.operations;

import java.util.concurrent.CancellationException;

/**
 * What a running operation's work sees: a way to report progress and to learn it was cancelled.
 * Long work calls {@link #checkCancelled()} between chunks (volumes, subjects, tiles).
 */
public interface OperationContext {
  /** The operation's name, {@code operations/{id}}. */
  String name();

  /**
   * Reports progress.
   *
   * @param fraction fraction done, 0 to 1; values below the last report are ignored (progress is
   *     monotonic)
   * @param step a short description of the current step, e.g. {@code reading sub-03}
   */
  void progress(double fraction, String step);

  /** Reports progress in units of work (e.g. images imported); sets the fraction to done/total. */
  void units(long done, long total, String step);

  /** True once cancellation was requested. */
  boolean isCancelled();

  /** Throws {@link CancellationException} if cancellation was requested. */
  default void checkCancelled() {
    if (isCancelled()) {
      throw new CancellationException("operation " + name() + " was cancelled");
    }
  }
}
