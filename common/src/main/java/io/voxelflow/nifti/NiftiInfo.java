package io.voxelflow.nifti;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteOrder;

/**
 * The JSON summary of an image that {@code voxelflow nifti-info} prints: the fields nibabel users
 * know ({@code shape}, {@code affine}, {@code get_zooms()}, …) under stable names.
 */
public final class NiftiInfo {
  private NiftiInfo() {}

  /**
   * Describes an open image.
   *
   * @param withStats also read every voxel and add {@code stats}: {@code sum}, {@code min},
   *     {@code max} of the finite scaled values and {@code nan_count}
   */
  public static ObjectNode describe(NiftiImage image, boolean withStats) {
    NiftiHeader h = image.header();
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    ArrayNode shape = o.putArray("shape");
    for (long d : h.shape()) {
      shape.add(d);
    }
    o.put("datatype", h.datatype().numpyName());
    o.put("byte_order", h.byteOrder() == ByteOrder.LITTLE_ENDIAN ? "little" : "big");
    o.put("nifti_version", h.version());
    ArrayNode affine = o.putArray("affine");
    for (double[] row : h.affine()) {
      ArrayNode r = affine.addArray();
      for (double v : row) {
        r.add(v);
      }
    }
    ArrayNode zooms = o.putArray("voxel_sizes");
    for (double z : h.voxelSizes()) {
      zooms.add(z);
    }
    if (h.trSeconds().isPresent()) {
      o.put("tr_seconds", h.trSeconds().getAsDouble());
    } else {
      o.putNull("tr_seconds");
    }
    o.put("scl_slope", h.effectiveSlope());
    o.put("scl_inter", h.effectiveInter());
    if (withStats) {
      NiftiImage.Stats s = image.stats();
      ObjectNode st = o.putObject("stats");
      st.put("sum", s.sum());
      putNumberOrNull(st, "min", s.min());
      putNumberOrNull(st, "max", s.max());
      st.put("nan_count", s.nanCount());
    }
    return o;
  }

  private static void putNumberOrNull(ObjectNode o, String key, double v) {
    if (Double.isNaN(v)) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }
}
