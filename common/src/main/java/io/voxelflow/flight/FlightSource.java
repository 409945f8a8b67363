package io.voxelflow.flight;

import io.voxelflow.api.ingest.v1.VoxelTicket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Something the Flight endpoint serves: resources whose names this source {@link #accepts}. A
 * service registers one as a CDI bean; {@link VoxelFlightProducer} routes tickets to it.
 */
public interface FlightSource {
  /** True if this source serves the resource named in a ticket, e.g. {@code images/…}. */
  boolean accepts(String name);

  /** What a ticket will stream, checked: unknown names are NOT_FOUND, bad ranges INVALID_ARGUMENT. */
  Plan plan(VoxelTicket ticket);

  /**
   * Streams the planned batches. Runs on a worker thread; the allocator is a child owned by the
   * caller (closed after this returns). Long loops call {@link BatchSink#isCancelled()}.
   */
  void stream(VoxelTicket ticket, Plan plan, BufferAllocator allocator, BatchSink sink) throws Exception;

  /** Schema and size of a stream. {@code records} and {@code bytes} are -1 when unknown. */
  record Plan(Schema schema, long records, long bytes) {}
}
