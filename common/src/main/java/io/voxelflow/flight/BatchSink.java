package io.voxelflow.flight;

import org.apache.arrow.vector.VectorSchemaRoot;

/** Where a {@link FlightSource} writes its record batches. */
public interface BatchSink {
  /** Announces the root whose contents each {@link #putNext()} sends; call once, first. */
  void start(VectorSchemaRoot root);

  /** Sends the root's current rows as one batch, waiting while the client is slow. */
  void putNext();

  /** True once the client went away; stop streaming. */
  boolean isCancelled();
}
