package io.voxelflow.simulate;

/**
 * Receives the progress of a simulation: the fraction done (0 to 1, non-decreasing) and a short
 * description of the current step (e.g. {@code "sub-02: volume 120/300"}). Calls come from the
 * simulating threads but never concurrently. A listener may throw (e.g.
 * {@link java.util.concurrent.CancellationException}) to stop the simulation; nothing half-written
 * is left behind for the file being written then.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = (fraction, step) -> { };

  void progress(double fraction, String step);
}
