package io.voxelflow.masking.extract;

import io.voxelflow.masking.regions.Grid;
import io.voxelflow.masking.regions.VolumeSource;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiImage;

/**
 * The volumes of an image smoothed by a Gaussian of the given FWHM (mm) — what nilearn's region
 * maskers do with {@code smoothing_fwhm} before extracting region signals. Smoothing runs in double
 * precision here (nilearn smooths float32 data in float32; the difference is float rounding).
 */
public final class SmoothedVolumes implements VolumeSource {
  private final VolumeSource source;
  private final Smoothing smoothing;

  private SmoothedVolumes(VolumeSource source, Smoothing smoothing) {
    this.source = source;
    this.smoothing = smoothing;
  }

  /** The volumes of {@code image}, each smoothed by {@code fwhmMm}. */
  public static VolumeSource of(NiftiImage image, double fwhmMm) {
    VolumeSource s = VolumeSource.of(image);
    long[] shape = image.header().shape();
    int x = (int) shape[0];
    int y = shape.length > 1 ? (int) shape[1] : 1;
    int z = shape.length > 2 ? (int) shape[2] : 1;
    return new SmoothedVolumes(s, Smoothing.of(x, y, z, image.header().affine(), fwhmMm));
  }

  @Override
  public Grid grid() {
    return source.grid();
  }

  @Override
  public int volumeCount() {
    return source.volumeCount();
  }

  @Override
  public NiftiDatatype datatype() {
    return NiftiDatatype.FLOAT64;
  }

  @Override
  public void readNext(double[] dst) {
    source.readNext(dst);
    smoothing.smooth(dst);
  }
}
