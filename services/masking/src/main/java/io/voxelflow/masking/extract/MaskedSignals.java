package io.voxelflow.masking.extract;

import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.nifti.NiftiWriter;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * nilearn 0.10.4's {@code NiftiMasker(mask_img=mask, smoothing_fwhm=…, <clean options>)
 * .fit_transform(img)} and {@code inverse_transform}, streaming the image one volume at a time.
 *
 * <p><b>Order of operations</b> (nilearn's {@code _filter_and_extract}): each volume is smoothed
 * ({@link Smoothing}: non-finite values to 0, Gaussian along axes 0, 1, 2), the mask is applied —
 * columns are the masked voxels in numpy C order of {@code (i, j, k)} ({@link
 * BinaryMask#cOrderIndices()}, {@code k} fastest) — giving a time × voxel matrix, which is then
 * cleaned ({@code signal.clean}). Only the {@code T×V} matrix and one volume are in memory.
 *
 * <p><b>Arithmetic</b> ({@link Arithmetic#NILEARN}, the default) follows the dtypes nilearn works
 * in, because its float32 rounding is visible in the z-scores (up to ~3e-4, see {@link
 * Float32Clean}):
 *
 * <ul>
 *   <li>smoothing in float32 (rounded after each axis, as {@code gaussian_filter1d(output=arr)} on a
 *       float32 array) for unscaled float32 and integer images (nilearn's {@code smooth_array}
 *       casts integers to float32), in float64 for float64, int64 and scaled
 *       ({@code scl_slope}/{@code scl_inter}) images (nibabel returns those as float64);
 *   <li>the masked matrix keeps that dtype (without smoothing: float64 for float64 or scaled images,
 *       float32 otherwise — {@code signal.clean}'s {@code _ensure_float} turns every integer type
 *       into float32);
 *   <li>{@code signal.clean} of a float32 matrix in float32 ({@link Float32Clean}); of a float64
 *       matrix, or with confounds or scrubbing, {@link Signal#clean} (float64).
 * </ul>
 *
 * <p>{@link Arithmetic#FLOAT64} does everything in float64 (more accurate; differs from nilearn by
 * its float32 rounding). Deviation from nilearn: unsigned-integer images are smoothed in float32,
 * where nilearn 0.10.4 would smooth them in place in their integer dtype (truncating).
 *
 * <p>The mask must be on the image's grid (same dimensions, affines equal to numpy's
 * {@code allclose}); nilearn would resample the image to the mask instead, which is not supported.
 * NIfTI volumes are in file order ({@code i + x·(j + y·k)}).
 */
public final class MaskedSignals {
  /** In which floating-point precision the pipeline runs. */
  public enum Arithmetic {
    /** The dtypes nilearn 0.10.4 uses (float32 for float32 and integer images): matches its output. */
    NILEARN,
    /** Float64 throughout. */
    FLOAT64
  }

  private MaskedSignals() {}

  // ================================================================ fit_transform

  /**
   * {@code NiftiMasker(mask_img=mask, smoothing_fwhm=smoothingFwhmMm, **clean).fit_transform(img)}
   * with {@link Arithmetic#NILEARN}.
   *
   * @param img a 3-D or 4-D image (a 3-D image gives one row); read from its first volume
   * @param mask on the image's grid
   * @param smoothingFwhmMm FWHM in mm, or null for no smoothing (0: no smoothing, but non-finite
   *     values still become 0, as nilearn's {@code smooth_array(fwhm=0)} does)
   * @param clean the {@code signal.clean} options; null skips cleaning (NiftiMasker's defaults
   *     {@code detrend=False, standardize=False} without filtering leave the signals unchanged)
   * @return {@code T×V} cleaned signals (float32-exact values when nilearn works in float32)
   */
  public static double[][] extract(NiftiImage img, BinaryMask mask, Double smoothingFwhmMm,
      CleanOptions clean) {
    return extract(img, mask, smoothingFwhmMm, clean, Arithmetic.NILEARN);
  }

  /** {@link #extract(NiftiImage, BinaryMask, Double, CleanOptions)} in the given arithmetic. */
  public static double[][] extract(NiftiImage img, BinaryMask mask, Double smoothingFwhmMm,
      CleanOptions clean, Arithmetic arithmetic) {
    Masked m = run(img, mask, smoothingFwhmMm, clean, arithmetic);
    return m.f32 != null ? toDouble(m.f32) : m.f64;
  }

  /**
   * {@link #extract(NiftiImage, BinaryMask, Double, CleanOptions)} as float32, the dtype nilearn
   * returns for a float32 image (what {@code masked_*.npy} files hold); for writing.
   */
  public static float[][] extractFloat32(NiftiImage img, BinaryMask mask, Double smoothingFwhmMm,
      CleanOptions clean) {
    Masked m = run(img, mask, smoothingFwhmMm, clean, Arithmetic.NILEARN);
    return m.f32 != null ? m.f32 : toFloat(m.f64);
  }

  /**
   * The smoothed, masked {@code T×V} matrix before {@code signal.clean} (nilearn's
   * {@code apply_mask(smooth_img(img, fwhm), mask)}), in {@link Arithmetic#NILEARN}.
   */
  public static double[][] applyMask(NiftiImage img, BinaryMask mask, Double smoothingFwhmMm) {
    return extract(img, mask, smoothingFwhmMm, null, Arithmetic.NILEARN);
  }

  // ================================================================ arrays

  /**
   * nilearn's {@code apply_mask} on one volume (file order): the masked voxels in C order.
   *
   * @param volume {@code x·y·z} values in file order
   * @return {@code V} values, column order of a masked matrix
   */
  public static double[] applyMask(double[] volume, BinaryMask mask) {
    checkVolume(volume.length, mask);
    int[] idx = mask.cOrderIndices();
    double[] out = new double[idx.length];
    for (int n = 0; n < idx.length; n++) {
      out[n] = volume[idx[n]];
    }
    return out;
  }

  /** {@link #applyMask(double[], BinaryMask)} of each volume: {@code T} volumes → {@code T×V}. */
  public static double[][] applyMask(double[][] volumes, BinaryMask mask) {
    int[] idx = mask.cOrderIndices();
    double[][] out = new double[volumes.length][idx.length];
    for (int t = 0; t < volumes.length; t++) {
      checkVolume(volumes[t].length, mask);
      for (int n = 0; n < idx.length; n++) {
        out[t][n] = volumes[t][idx[n]];
      }
    }
    return out;
  }

  /**
   * nilearn's {@code unmask(X, mask_img)} for a 1-D {@code X}: a volume in file order holding
   * {@code values[n]} at the {@code n}-th masked voxel (C order) and 0 elsewhere.
   *
   * @param values {@code V = mask.count()} values
   */
  public static double[] unmask(double[] values, BinaryMask mask) {
    int[] idx = mask.cOrderIndices();
    checkFeatures(values.length, idx.length);
    double[] vol = new double[mask.size()];
    for (int n = 0; n < idx.length; n++) {
      vol[idx[n]] = values[n];
    }
    return vol;
  }

  /**
   * nilearn's {@code unmask(X, mask_img)} for a 2-D {@code X} ({@code T×V}): {@code T} volumes in
   * file order, zeros outside the mask. Holds all {@code T} volumes; use {@link #writeNifti(Path,
   * double[][], BinaryMask)} to stream them to disk instead.
   */
  public static double[][] unmask(double[][] tByV, BinaryMask mask) {
    int[] idx = mask.cOrderIndices();
    double[][] out = new double[tByV.length][];
    for (int t = 0; t < tByV.length; t++) {
      checkFeatures(tByV[t].length, idx.length);
      double[] vol = new double[mask.size()];
      for (int n = 0; n < idx.length; n++) {
        vol[idx[n]] = tByV[t][n];
      }
      out[t] = vol;
    }
    return out;
  }

  /**
   * {@code NiftiMasker.inverse_transform(X).to_filename(path)} for a {@code T×V} matrix: a 4-D
   * float32 NIfTI-1 image of {@code x×y×z×T}, zeros outside the mask, the mask's affine in the sform
   * (code 2, "aligned") and qform code 0, as nibabel writes a new image. Written volume by volume.
   */
  public static void writeNifti(Path path, double[][] tByV, BinaryMask mask) {
    if (tByV.length == 0) {
      throw new IllegalArgumentException("no time point to write");
    }
    int[] idx = mask.cOrderIndices();
    for (double[] row : tByV) {
      checkFeatures(row.length, idx.length);
    }
    NiftiHeader h = NiftiHeader.of(NiftiDatatype.FLOAT32, mask.x(), mask.y(), mask.z(), tByV.length)
        .setAffine(mask.affine(), 2).setQformCode(0);
    float[] vol = new float[mask.size()];
    try (NiftiWriter w = NiftiWriter.create(path, h)) {
      for (double[] row : tByV) {
        for (int n = 0; n < idx.length; n++) {
          vol[idx[n]] = (float) row[n];
        }
        w.writeVolume(vol);
      }
    }
  }

  /**
   * {@code inverse_transform} of one row ({@code V} values): a 3-D float32 image, header as {@link
   * #writeNifti(Path, double[][], BinaryMask)}.
   */
  public static void writeNifti(Path path, double[] values, BinaryMask mask) {
    int[] idx = mask.cOrderIndices();
    checkFeatures(values.length, idx.length);
    NiftiHeader h = NiftiHeader.of(NiftiDatatype.FLOAT32, mask.x(), mask.y(), mask.z())
        .setAffine(mask.affine(), 2).setQformCode(0);
    float[] vol = new float[mask.size()];
    for (int n = 0; n < idx.length; n++) {
      vol[idx[n]] = (float) values[n];
    }
    try (NiftiWriter w = NiftiWriter.create(path, h)) {
      w.writeVolume(vol);
    }
  }

  // ================================================================ dtypes

  /**
   * Whether nilearn smooths this image in float32: unscaled float32 or integer data other than
   * int64 (unsigned included, see the class comment); float64, int64 and scaled data are smoothed
   * in float64.
   */
  public static boolean smoothsInFloat32(NiftiHeader h) {
    NiftiDatatype d = h.datatype();
    return unscaled(h) && d != NiftiDatatype.FLOAT64 && d != NiftiDatatype.INT64;
  }

  /**
   * Whether the masked matrix nilearn cleans is float32 for this image: with smoothing, {@link
   * #smoothsInFloat32}; without, unless the data are float64 or scaled.
   */
  public static boolean cleansInFloat32(NiftiHeader h, boolean smoothed) {
    if (smoothed) {
      return smoothsInFloat32(h);
    }
    return unscaled(h) && h.datatype() != NiftiDatatype.FLOAT64;
  }

  private static boolean unscaled(NiftiHeader h) {
    return h.effectiveSlope() == 1.0 && h.effectiveInter() == 0.0;
  }

  // ================================================================ internals

  /** The extracted matrix: exactly one of the two is non-null. */
  private record Masked(float[][] f32, double[][] f64) {}

  private static Masked run(NiftiImage img, BinaryMask mask, Double fwhm, CleanOptions clean,
      Arithmetic arithmetic) {
    NiftiHeader h = img.header();
    checkGrid(h, mask);
    Consumer<String> warn = clean != null ? clean.warnings() : message ->
        System.getLogger(MaskedSignals.class.getName()).log(System.Logger.Level.WARNING, message);
    Smoothing smoothing = null;
    if (fwhm != null) {
      if (fwhm == 0.0) {
        warn.accept("The parameter 'fwhm' for smoothing is specified as 0. Setting it to None (no"
            + " smoothing will be performed)");
      }
      smoothing = Smoothing.of(mask.x(), mask.y(), mask.z(), h.affine(), fwhm);
    }
    boolean f32 = arithmetic == Arithmetic.NILEARN && cleansInFloat32(h, smoothing != null);
    int[] idx = mask.cOrderIndices();
    int nVox = img.voxelsPerVolume();
    int t = Math.toIntExact(img.volumeCount());
    img.seek(0);
    if (f32) {
      float[][] x = new float[t][idx.length];
      // Volumes are independent: read a batch in order, smooth and mask it on all cores.
      int batch = smoothing == null ? 1 : 2 * Runtime.getRuntime().availableProcessors();
      float[][] vols = new float[Math.min(batch, Math.max(1, t))][nVox];
      Smoothing sm = smoothing;
      for (int v0 = 0; v0 < t; v0 += batch) {
        int n = Math.min(batch, t - v0);
        for (int b = 0; b < n; b++) {
          img.readVolume(vols[b]);
        }
        int first = v0;
        java.util.stream.IntStream.range(0, n).parallel().forEach(b -> {
          float[] vol = vols[b];
          if (sm != null) {
            sm.smooth(vol);
          }
          float[] row = x[first + b];
          for (int k = 0; k < idx.length; k++) {
            row[k] = vol[idx[k]];
          }
        });
      }
      if (clean == null) {
        return new Masked(x, null);
      }
      if (Float32Clean.supports(clean)) {
        return new Masked(Float32Clean.clean(x, clean), null);
      }
      return new Masked(null, Signal.clean(toDouble(x), clean));
    }
    double[][] x = new double[t][idx.length];
    double[] vol = new double[nVox];
    for (int v = 0; v < t; v++) {
      img.readVolume(vol);
      if (smoothing != null) {
        smoothing.smooth(vol);
      }
      double[] row = x[v];
      for (int n = 0; n < idx.length; n++) {
        row[n] = vol[idx[n]];
      }
    }
    return new Masked(null, clean == null ? x : Signal.clean(x, clean));
  }

  /** The mask must be on the image's grid: same 3-D shape, {@code np.allclose} affines. */
  static void checkGrid(NiftiHeader h, BinaryMask mask) {
    long[] shape = h.shape();
    if (shape.length < 3) {
      throw new IllegalArgumentException("expected a 3-D or 4-D image, got " + shape.length + " dimensions");
    }
    for (int d = 4; d < shape.length; d++) {
      if (shape[d] != 1) {
        throw new IllegalArgumentException("expected a 3-D or 4-D image, got shape "
            + java.util.Arrays.toString(shape));
      }
    }
    if (shape[0] != mask.x() || shape[1] != mask.y() || shape[2] != mask.z()) {
      throw new IllegalArgumentException("Mask shape: (" + mask.x() + ", " + mask.y() + ", " + mask.z()
          + ") is different from img shape: (" + shape[0] + ", " + shape[1] + ", " + shape[2]
          + "); resampling the image to the mask is not supported");
    }
    double[][] a = h.affine();
    double[][] m = mask.affine();
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        if (!(Math.abs(m[r][c] - a[r][c]) <= 1e-8 + 1e-5 * Math.abs(a[r][c]))) {
          throw new IllegalArgumentException("Mask affine " + java.util.Arrays.deepToString(m)
              + " is different from img affine " + java.util.Arrays.deepToString(a)
              + "; resampling the image to the mask is not supported");
        }
      }
    }
  }

  private static void checkVolume(int length, BinaryMask mask) {
    if (length != mask.size()) {
      throw new IllegalArgumentException("volume of " + length + " values for a mask of "
          + mask.x() + "×" + mask.y() + "×" + mask.z());
    }
  }

  private static void checkFeatures(int length, int count) {
    if (length != count) {
      throw new IllegalArgumentException(length + " values for a mask of " + count + " voxels");
    }
  }

  /** The matrix in float64 (float32 values are exact in it). */
  public static double[][] toDouble(float[][] x) {
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      float[] row = x[t];
      double[] d = new double[row.length];
      for (int j = 0; j < row.length; j++) {
        d[j] = row[j];
      }
      out[t] = d;
    }
    return out;
  }

  /** The matrix rounded to float32. */
  public static float[][] toFloat(double[][] x) {
    float[][] out = new float[x.length][];
    for (int t = 0; t < x.length; t++) {
      double[] row = x[t];
      float[] f = new float[row.length];
      for (int j = 0; j < row.length; j++) {
        f[j] = (float) row[j];
      }
      out[t] = f;
    }
    return out;
  }
}
