package io.voxelflow.ingest;

import io.voxelflow.api.ingest.v1.NiftiHeader.ByteOrder;
import io.voxelflow.api.ingest.v1.NiftiHeader.SpatialUnit;
import io.voxelflow.api.ingest.v1.NiftiHeader.TemporalUnit;
import io.voxelflow.nifti.NiftiHeader;

/** The API's {@code NiftiHeader} message from a decoded header. */
final class HeaderProtos {
  private HeaderProtos() {}

  static io.voxelflow.api.ingest.v1.NiftiHeader toProto(NiftiHeader h) {
    var b = io.voxelflow.api.ingest.v1.NiftiHeader.newBuilder()
        .setNiftiVersion(h.version())
        .setDatatype(h.datatype().numpyName())
        .setByteOrder(h.byteOrder() == java.nio.ByteOrder.LITTLE_ENDIAN
            ? ByteOrder.BYTE_ORDER_LITTLE_ENDIAN : ByteOrder.BYTE_ORDER_BIG_ENDIAN)
        .setSformCode(h.sformCode())
        .setQformCode(h.qformCode())
        .setTrSeconds(h.trSeconds().orElse(0))
        .setSclSlope(h.effectiveSlope())
        .setSclInter(h.effectiveInter())
        .setSpatialUnit(switch (h.xyztUnits() & 0x07) {
          case 1 -> SpatialUnit.SPATIAL_UNIT_METER;
          case 2 -> SpatialUnit.SPATIAL_UNIT_MM;
          case 3 -> SpatialUnit.SPATIAL_UNIT_MICRON;
          default -> SpatialUnit.SPATIAL_UNIT_UNSPECIFIED;
        })
        .setTemporalUnit(switch (h.xyztUnits() & 0x38) {
          case 8 -> TemporalUnit.TEMPORAL_UNIT_SEC;
          case 16 -> TemporalUnit.TEMPORAL_UNIT_MSEC;
          case 24 -> TemporalUnit.TEMPORAL_UNIT_USEC;
          case 32 -> TemporalUnit.TEMPORAL_UNIT_HZ;
          case 40 -> TemporalUnit.TEMPORAL_UNIT_PPM;
          case 48 -> TemporalUnit.TEMPORAL_UNIT_RADS;
          default -> TemporalUnit.TEMPORAL_UNIT_UNSPECIFIED;
        })
        .setVoxOffset(h.voxOffset())
        .setDescription(h.descrip());
    for (long d : h.shape()) {
      b.addShape(d);
    }
    for (double[] row : h.affine()) {
      for (double v : row) {
        b.addAffine(v);
      }
    }
    for (double z : h.voxelSizes()) {
      b.addVoxelSizes(z);
    }
    return b.build();
  }
}
