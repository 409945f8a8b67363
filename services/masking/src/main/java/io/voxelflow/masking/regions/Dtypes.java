package io.voxelflow.masking.regions;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;

/** The numpy dtype nibabel gives an image's data ({@code np.asanyarray(img.dataobj)}). */
final class Dtypes {
  private Dtypes() {}

  /**
   * The stored datatype, unless {@code scl_slope}/{@code scl_inter} actually scale the values
   * (slope not 0, NaN or ±inf, and not the identity {@code 1, 0}): then float64.
   */
  static NiftiDatatype ofData(NiftiHeader h) {
    boolean scaled = h.hasScaling() && !(h.effectiveSlope() == 1.0 && h.effectiveInter() == 0.0);
    return scaled ? NiftiDatatype.FLOAT64 : h.datatype();
  }
}
