package io.voxelflow.json;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** {@code google.protobuf.Timestamp} values. */
public final class ProtoTime {
  private ProtoTime() {}

  public static Timestamp of(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  public static Timestamp now() {
    return of(Instant.now());
  }
}
