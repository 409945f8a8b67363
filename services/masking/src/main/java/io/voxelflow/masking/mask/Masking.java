package io.voxelflow.masking.mask;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Brain masks as nilearn 0.10.4 computes them ({@code nilearn.masking}), on plain arrays.
 *
 * <p>All volumes are in NIfTI file order ({@code i + x·(j + y·k)}, {@code i} fastest).
 *
 * <p>Numerics follow numpy's dtypes so that results are bit-identical to nilearn's: a float32 image
 * without scaling (what nibabel hands over as a float32 array) is averaged, smoothed and
 * thresholded in float32 arithmetic — the temporal mean summed volume by volume in float32, which is
 * what numpy does for nibabel's Fortran-ordered arrays — and every other image (integers, float64,
 * or any image with {@code scl_slope}/{@code scl_inter} scaling, which nibabel 5 returns as float64)
 * in float64.
 *
 * <p>Morphology is scipy.ndimage's with its default structuring element (the 3-D cross, i.e.
 * 6-connectivity) and {@code border_value=0}: outside the grid counts as "not in the mask".
 */
public final class Masking {
  /** numpy's {@code np.sqrt(8 * np.log(2))}: FWHM / sigma of a Gaussian. */
  static final double FWHM_OVER_SIGMA = Math.sqrt(8 * StrictMath.log(2));

  private Masking() {}

  // ================================================================== EPI masks

  /**
   * nilearn's {@code compute_epi_mask(img, lower_cutoff, upper_cutoff, connected, opening,
   * exclude_zeros, ensure_finite)} on a 3-D or 4-D image: the temporal mean (streamed one volume at a
   * time), smoothed with a Gaussian of FWHM 1 voxel when {@code opening > 0}, thresholded at the
   * middle of the largest gap of its sorted values between the two cutoffs, then opened and reduced
   * to its largest connected component (see {@link #postProcess}). The affine is the image's
   * ({@code header().affine()}, nibabel's {@code img.affine}).
   *
   * <p>The image is read from its first volume; its reader is left after the last one.
   */
  public static BinaryMask computeEpiMask(NiftiImage img, EpiMaskOptions o) {
    NiftiHeader h = img.header();
    int[] d = dims3(h);
    boolean f32 = float32Arithmetic(h);
    double[] mean = meanVolume(img, f32);
    return epiMaskFromMean(mean, f32, d[0], d[1], d[2], h.affine(), o);
  }

  /**
   * {@code compute_epi_mask} of a 3-D float32 image (e.g. a precomputed mean), values in file order.
   * The array is not modified.
   */
  public static BinaryMask computeEpiMask(float[] volume, int x, int y, int z, double[][] affine, EpiMaskOptions o) {
    checkLength(volume.length, x, y, z);
    double[] v = new double[volume.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = volume[i];
    }
    return epiMaskFromMean(v, true, x, y, z, affine, o);
  }

  /** {@code compute_epi_mask} of a 3-D float64 image, values in file order. The array is not modified. */
  public static BinaryMask computeEpiMask(double[] volume, int x, int y, int z, double[][] affine, EpiMaskOptions o) {
    checkLength(volume.length, x, y, z);
    return epiMaskFromMean(volume.clone(), false, x, y, z, affine, o);
  }

  /**
   * nilearn's {@code compute_multi_epi_mask(imgs, lower_cutoff, upper_cutoff, connected, opening,
   * threshold, exclude_zeros)}: {@link #computeEpiMask(NiftiImage, EpiMaskOptions)} of each image
   * with the same options, then {@link #intersectMasks}{@code (masks, threshold, o.connected())}.
   * This is the mask of CanICA / DictLearning ({@code MultiNiftiMasker(mask_strategy='epi')}),
   * computed on the unsmoothed images.
   */
  public static BinaryMask computeMultiEpiMask(List<NiftiImage> imgs, EpiMaskOptions o, double threshold) {
    if (imgs.isEmpty()) {
      throw new IllegalArgumentException("no image given");
    }
    List<BinaryMask> masks = new ArrayList<>(imgs.size());
    for (NiftiImage img : imgs) {
      masks.add(computeEpiMask(img, o));
    }
    return intersectMasks(masks, threshold, o.connected());
  }

  /**
   * nilearn's {@code intersect_masks(masks, threshold, connected)}: a voxel is kept when it is in
   * <em>strictly more</em> than {@code min(threshold, 1 - 1e-7) · n} of the {@code n} masks
   * ({@code threshold=1}: in all of them; {@code 0}: in any), then, if {@code connected} and the
   * result is not empty, only its largest connected component is kept. All masks must share
   * dimensions and affine exactly. nilearn returns this as an int8 image.
   *
   * @param threshold in [0, 1]
   */
  public static BinaryMask intersectMasks(List<BinaryMask> masks, double threshold, boolean connected) {
    if (masks.isEmpty()) {
      throw new IllegalArgumentException("No mask provided for intersection");
    }
    if (threshold > 1) {
      throw new IllegalArgumentException("The threshold should be smaller than 1");
    }
    if (!(threshold >= 0)) {
      throw new IllegalArgumentException("The threshold should be greater than 0");
    }
    threshold = Math.min(threshold, 1 - 1.0e-7);
    BinaryMask first = masks.get(0);
    int[] sum = new int[first.size()];
    for (BinaryMask m : masks) {
      if (m.x() != first.x() || m.y() != first.y() || m.z() != first.z()) {
        throw new IllegalArgumentException("All masks should have the same shape");
      }
      if (!Arrays.deepEquals(m.affine(), first.affine())) {
        throw new IllegalArgumentException("All masks should have the same affine");
      }
      boolean[] v = m.voxels();
      for (int i = 0; i < sum.length; i++) {
        if (v[i]) {
          sum[i]++;
        }
      }
    }
    double level = threshold * masks.size();
    boolean[] grp = new boolean[sum.length];
    boolean any = false;
    for (int i = 0; i < sum.length; i++) {
      grp[i] = sum[i] > level;
      any |= grp[i];
    }
    if (any && connected) {
      grp = largestConnectedComponent(grp, first.x(), first.y(), first.z());
    }
    return new BinaryMask(grp, first.x(), first.y(), first.z(), first.affine());
  }

  // ================================================================== masks from images

  /**
   * The voxels of a 3-D image that are finite and non-zero (nilearn loads masks with
   * {@code ensure_finite=True}, so NaN and ±inf count as 0). No check that the image is binary;
   * see {@link #loadMask} for nilearn's strict {@code load_mask_img}.
   */
  public static BinaryMask maskFromImage(NiftiImage img) {
    double[] v = read3d(img);
    boolean[] m = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      m[i] = Double.isFinite(v[i]) && v[i] != 0;
    }
    int[] d = dims3(img.header());
    return new BinaryMask(m, d[0], d[1], d[2], img.header().affine());
  }

  /** The voxels of a 3-D label image (atlas) whose label is {@code > 0}. */
  public static BinaryMask maskFromAtlas(NiftiImage img) {
    double[] v = read3d(img);
    boolean[] m = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      m[i] = v[i] > 0;
    }
    int[] d = dims3(img.header());
    return new BinaryMask(m, d[0], d[1], d[2], img.header().affine());
  }

  /**
   * nilearn's {@code load_mask_img}: a 3-D image whose finite values (non-finite read as 0) take at
   * most two distinct values, one of them 0 when there are two; an all-zero image is refused unless
   * {@code allowEmpty}. The mask is the non-zero voxels.
   *
   * @throws IllegalArgumentException for a mask nilearn refuses
   */
  public static BinaryMask loadMask(NiftiImage img, boolean allowEmpty) {
    double[] v = read3d(img);
    double a = Double.NaN;
    double b = Double.NaN;
    boolean[] m = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      double x = Double.isFinite(v[i]) ? v[i] : 0;
      if (x == 0) {
        x = 0; // -0.0 and 0.0 are one value
      }
      if (Double.isNaN(a) || a == x) {
        a = x;
      } else if (Double.isNaN(b) || b == x) {
        b = x;
      } else {
        throw new IllegalArgumentException("Given mask is not made of 2 values: " + a + ", " + b + ", " + x
            + ", ... Cannot interpret as true or false.");
      }
      m[i] = x != 0;
    }
    if (Double.isNaN(b)) {
      if (a == 0 && !allowEmpty) {
        throw new IllegalArgumentException("The mask is invalid as it is empty: it masks all data.");
      }
    } else if (a != 0 && b != 0) {
      throw new IllegalArgumentException("Background of the mask must be represented with 0. Given mask contains: ["
          + Math.min(a, b) + " " + Math.max(a, b) + "].");
    }
    int[] d = dims3(img.header());
    return new BinaryMask(m, d[0], d[1], d[2], img.header().affine());
  }

  // ================================================================== morphology (scipy.ndimage)

  /**
   * scipy's {@code binary_erosion(mask, iterations=n)} with the 3-D cross and {@code border_value=0}:
   * each iteration keeps a voxel only if it and its 6 face neighbours are set, a neighbour outside
   * the grid counting as unset. {@code iterations <= 0} returns a copy (nilearn never asks for that;
   * scipy would iterate until nothing changes).
   */
  public static boolean[] binaryErosion(boolean[] mask, int x, int y, int z, int iterations) {
    checkLength(mask.length, x, y, z);
    boolean[] cur = mask.clone();
    boolean[] next = new boolean[cur.length];
    int xy = x * y;
    for (int it = 0; it < iterations; it++) {
      for (int k = 0; k < z; k++) {
        for (int j = 0; j < y; j++) {
          int row = x * (j + y * k);
          for (int i = 0; i < x; i++) {
            int p = row + i;
            next[p] = cur[p]
                && i > 0 && cur[p - 1] && i < x - 1 && cur[p + 1]
                && j > 0 && cur[p - x] && j < y - 1 && cur[p + x]
                && k > 0 && cur[p - xy] && k < z - 1 && cur[p + xy];
          }
        }
      }
      boolean[] t = cur;
      cur = next;
      next = t;
    }
    return cur;
  }

  /**
   * scipy's {@code binary_dilation(mask, iterations=n)} with the 3-D cross and
   * {@code border_value=0}: each iteration sets every voxel that is set or has a set face neighbour.
   * {@code iterations <= 0} returns a copy.
   */
  public static boolean[] binaryDilation(boolean[] mask, int x, int y, int z, int iterations) {
    checkLength(mask.length, x, y, z);
    boolean[] cur = mask.clone();
    boolean[] next = new boolean[cur.length];
    int xy = x * y;
    for (int it = 0; it < iterations; it++) {
      for (int k = 0; k < z; k++) {
        for (int j = 0; j < y; j++) {
          int row = x * (j + y * k);
          for (int i = 0; i < x; i++) {
            int p = row + i;
            next[p] = cur[p]
                || (i > 0 && cur[p - 1]) || (i < x - 1 && cur[p + 1])
                || (j > 0 && cur[p - x]) || (j < y - 1 && cur[p + x])
                || (k > 0 && cur[p - xy]) || (k < z - 1 && cur[p + xy]);
          }
        }
      }
      boolean[] t = cur;
      cur = next;
      next = t;
    }
    return cur;
  }

  /**
   * Connected components of a mask.
   *
   * @param labels per voxel (file order): 0 outside the mask, else 1..count
   * @param sizes {@code sizes[l]} voxels carry label {@code l} ({@code sizes[0]} = 0)
   */
  public record Labels(int[] labels, int count, int[] sizes) {}

  /**
   * scipy's {@code ndimage.label(mask)} with the default structure (6-connectivity). Labels are
   * numbered as scipy numbers them: in the order of each component's first voxel in numpy C order
   * of {@code (i, j, k)} ({@code i} slowest, {@code k} fastest) — not file order.
   */
  public static Labels label(boolean[] mask, int x, int y, int z) {
    checkLength(mask.length, x, y, z);
    int[] labels = new int[mask.length];
    int xy = x * y;
    int[] queue = new int[mask.length];
    List<Integer> sizes = new ArrayList<>();
    sizes.add(0);
    int next = 0;
    for (int i = 0; i < x; i++) {
      for (int j = 0; j < y; j++) {
        for (int k = 0; k < z; k++) {
          int start = i + x * (j + y * k);
          if (!mask[start] || labels[start] != 0) {
            continue;
          }
          int lab = ++next;
          int head = 0;
          int tail = 0;
          queue[tail++] = start;
          labels[start] = lab;
          while (head < tail) {
            int p = queue[head++];
            int pi = p % x;
            int pj = (p / x) % y;
            int pk = p / xy;
            if (pi > 0) {
              tail = visit(mask, labels, queue, tail, p - 1, lab);
            }
            if (pi < x - 1) {
              tail = visit(mask, labels, queue, tail, p + 1, lab);
            }
            if (pj > 0) {
              tail = visit(mask, labels, queue, tail, p - x, lab);
            }
            if (pj < y - 1) {
              tail = visit(mask, labels, queue, tail, p + x, lab);
            }
            if (pk > 0) {
              tail = visit(mask, labels, queue, tail, p - xy, lab);
            }
            if (pk < z - 1) {
              tail = visit(mask, labels, queue, tail, p + xy, lab);
            }
          }
          sizes.add(tail);
        }
      }
    }
    int[] s = new int[sizes.size()];
    for (int l = 0; l < s.length; l++) {
      s[l] = sizes.get(l);
    }
    return new Labels(labels, next, s);
  }

  private static int visit(boolean[] mask, int[] labels, int[] queue, int tail, int q, int lab) {
    if (mask[q] && labels[q] == 0) {
      labels[q] = lab;
      queue[tail++] = q;
    }
    return tail;
  }

  /**
   * nilearn's {@code largest_connected_component}: the largest 6-connected component; on a tie the
   * one with the lowest scipy label, i.e. whose first voxel comes first in C order (see
   * {@link #label}).
   *
   * @throws IllegalArgumentException if the mask is empty (as nilearn raises)
   */
  public static boolean[] largestConnectedComponent(boolean[] mask, int x, int y, int z) {
    Labels l = label(mask, x, y, z);
    if (l.count() == 0) {
      throw new IllegalArgumentException("No non-zero values: no connected components");
    }
    int best = 1;
    for (int c = 2; c <= l.count(); c++) {
      if (l.sizes()[c] > l.sizes()[best]) {
        best = c;
      }
    }
    boolean[] out = new boolean[mask.length];
    int[] lab = l.labels();
    for (int i = 0; i < out.length; i++) {
      out[i] = lab[i] == best;
    }
    return out;
  }

  /**
   * nilearn's {@code _post_process_mask(mask, opening, connected)}: if {@code opening}, erode
   * {@code opening} times; if {@code connected} and anything is left, keep the largest connected
   * component; if {@code opening}, dilate {@code 2·opening} times and erode {@code opening} times
   * (an opening followed by a closing).
   */
  public static boolean[] postProcess(boolean[] mask, int x, int y, int z, int opening, boolean connected) {
    boolean[] m = mask;
    if (opening > 0) {
      m = binaryErosion(m, x, y, z, opening);
    }
    boolean any = false;
    for (boolean b : m) {
      if (b) {
        any = true;
        break;
      }
    }
    if (connected && any) {
      m = largestConnectedComponent(m, x, y, z);
    }
    if (opening > 0) {
      m = binaryDilation(m, x, y, z, 2 * opening);
      m = binaryErosion(m, x, y, z, opening);
    }
    return m == mask ? mask.clone() : m;
  }

  // ================================================================== internals

  /**
   * Whether nilearn would work on this image in float32: nibabel returns a float32 array only for
   * float32 data without scaling (scaled data comes back as float64 because nibabel 5 applies
   * {@code scl_slope}/{@code scl_inter} as Python floats); integer arrays are averaged in float64.
   */
  static boolean float32Arithmetic(NiftiHeader h) {
    return h.datatype() == NiftiDatatype.FLOAT32 && h.effectiveSlope() == 1.0 && h.effectiveInter() == 0.0;
  }

  /**
   * nilearn's {@code _compute_mean} without resampling or smoothing: {@code data.mean(axis=-1)} of a
   * 4-D image (the image itself if it has one volume), summed in file-volume order — for a
   * Fortran-ordered array numpy accumulates the last axis one slice at a time — in float32 or
   * float64 as {@code f32} says, then divided by the count. Values are float32-exact when {@code f32}.
   */
  static double[] meanVolume(NiftiImage img, boolean f32) {
    int n = img.voxelsPerVolume();
    long t = img.volumeCount();
    img.seek(0);
    double[] out = new double[n];
    if (f32) {
      float[] acc = new float[n];
      float[] buf = new float[n];
      img.readVolume(acc);
      for (long v = 1; v < t; v++) {
        img.readVolume(buf);
        for (int i = 0; i < n; i++) {
          acc[i] += buf[i];
        }
      }
      if (t > 1) {
        float count = t;
        for (int i = 0; i < n; i++) {
          acc[i] /= count;
        }
      }
      for (int i = 0; i < n; i++) {
        out[i] = acc[i];
      }
    } else {
      double[] buf = new double[n];
      img.readVolume(out);
      for (long v = 1; v < t; v++) {
        img.readVolume(buf);
        for (int i = 0; i < n; i++) {
          out[i] += buf[i];
        }
      }
      if (t > 1) {
        double count = t;
        for (int i = 0; i < n; i++) {
          out[i] /= count;
        }
      }
    }
    return out;
  }

  /** The rest of compute_epi_mask once the (unsmoothed) mean is known; {@code mean} is overwritten. */
  static BinaryMask epiMaskFromMean(double[] mean, boolean f32, int x, int y, int z, double[][] affine,
      EpiMaskOptions o) {
    if (o.opening() > 0) {
      smoothForEpiMask(mean, f32, x, y, z);
    }
    if (o.ensureFinite()) {
      for (int i = 0; i < mean.length; i++) {
        if (!Double.isFinite(mean[i])) {
          mean[i] = 0;
        }
      }
    }
    double thr = epiThreshold(mean, f32, o);
    boolean[] mask = new boolean[mean.length];
    for (int i = 0; i < mean.length; i++) {
      mask[i] = mean[i] >= thr;
    }
    mask = postProcess(mask, x, y, z, o.opening(), o.connected());
    return new BinaryMask(mask, x, y, z, affine);
  }

  /**
   * {@code _compute_mean(..., smooth=1)}: {@code smooth_array(mean, affine=np.eye(4), fwhm=1)} —
   * non-finite values set to 0, a Gaussian of sigma {@code 1/sqrt(8 ln 2)} voxels along each axis —
   * and NaNs put back where the mean was NaN (±inf stay smoothed).
   */
  static void smoothForEpiMask(double[] v, boolean f32, int x, int y, int z) {
    boolean[] nan = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      if (Double.isNaN(v[i])) {
        nan[i] = true;
      }
      if (!Double.isFinite(v[i])) {
        v[i] = 0;
      }
    }
    double sigma = 1.0 / (FWHM_OVER_SIGMA * 1.0);
    double[] w = gaussianWeights(sigma);
    int[] dims = {x, y, z};
    for (int axis = 0; axis < 3; axis++) {
      correlate1dSymmetric(v, dims, axis, w, f32);
    }
    for (int i = 0; i < v.length; i++) {
      if (nan[i]) {
        v[i] = Double.NaN;
      }
    }
  }

  /**
   * scipy's {@code _gaussian_kernel1d(sigma, 0, radius)} with {@code radius = int(4·sigma + 0.5)}
   * ({@code truncate=4}): {@code exp(-0.5/sigma² · x²)} for {@code x = -radius..radius}, divided by
   * its sum.
   */
  static double[] gaussianWeights(double sigma) {
    int radius = (int) (4.0 * sigma + 0.5);
    double sigma2 = sigma * sigma;
    double c = -0.5 / sigma2;
    double[] w = new double[2 * radius + 1];
    for (int i = 0; i < w.length; i++) {
      int xv = i - radius;
      w[i] = StrictMath.exp(c * (double) (xv * xv));
    }
    double sum = 0; // numpy sums so few terms left to right
    for (double d : w) {
      sum += d;
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = w[i] / sum;
    }
    return w;
  }

  /**
   * scipy's {@code correlate1d(input, weights, axis, output=input, mode='reflect')} for an odd,
   * symmetric kernel, in place: each line is read into doubles, every output is
   * {@code x[0]·w[0] + Σ_{j=r..1} (x[-j] + x[j])·w[j]} in that order (scipy's symmetric branch), and
   * stored back rounded to float32 when {@code f32}. 'reflect' extends a line {@code a b c} as
   * {@code … c b a | a b c | c b a …}.
   */
  static void correlate1dSymmetric(double[] v, int[] dims, int axis, double[] w, boolean f32) {
    int r = w.length / 2;
    int len = dims[axis];
    int stride = axis == 0 ? 1 : axis == 1 ? dims[0] : dims[0] * dims[1];
    double[] line = new double[len + 2 * r];
    int[] other = axis == 0 ? new int[] {dims[1], dims[2]} : axis == 1 ? new int[] {dims[0], dims[2]} : new int[] {dims[0], dims[1]};
    for (int b = 0; b < other[1]; b++) {
      for (int a = 0; a < other[0]; a++) {
        int base = switch (axis) {
          case 0 -> dims[0] * (a + dims[1] * b);
          case 1 -> a + dims[0] * dims[1] * b;
          default -> a + dims[0] * b;
        };
        for (int e = -r; e < len + r; e++) {
          line[e + r] = v[base + stride * reflect(e, len)];
        }
        for (int l = 0; l < len; l++) {
          int c = l + r;
          double o = line[c] * w[r];
          for (int j = r; j >= 1; j--) {
            o += (line[c - j] + line[c + j]) * w[r - j];
          }
          v[base + stride * l] = f32 ? (float) o : o;
        }
      }
    }
  }

  /** scipy's 'reflect' boundary (half-sample symmetric), repeated for lines shorter than the kernel. */
  static int reflect(int e, int len) {
    int period = 2 * len;
    int m = ((e % period) + period) % period;
    return m < len ? m : period - 1 - m;
  }

  /**
   * compute_epi_mask's threshold: sort the values (NaN last), drop exact zeros if asked, take
   * {@code lo = floor(lower·n)}, {@code hi = min(floor(upper·n), n-1)}, find the first largest
   * difference {@code s[i+1] - s[i]} for {@code lo <= i < hi}, and return
   * {@code 0.5·(s[i] + s[i+1])}. In float32 arithmetic when {@code f32} (numpy sorts, subtracts and
   * adds float32 values, and compares the float32 mean with the threshold as float32).
   */
  static double epiThreshold(double[] mean, boolean f32, EpiMaskOptions o) {
    double[] s;
    if (o.excludeZeros()) {
      int nz = 0;
      for (double d : mean) {
        if (d != 0) {
          nz++;
        }
      }
      s = new double[nz];
      int p = 0;
      for (double d : mean) {
        if (d != 0) {
          s[p++] = d;
        }
      }
    } else {
      s = mean.clone();
    }
    Arrays.sort(s);
    int n = s.length;
    int lo = (int) Math.floor(o.lowerCutoff() * n);
    int hi = Math.min((int) Math.floor(o.upperCutoff() * n), n - 1);
    if (hi - lo < 1) {
      throw new IllegalArgumentException("no values between the cutoffs (" + n + " values"
          + (o.excludeZeros() ? " after excluding zeros" : "") + ", lower index " + lo + ", upper index " + hi + ")");
    }
    int ia = -1;
    double best = Double.NEGATIVE_INFINITY;
    for (int i = lo; i < hi; i++) {
      double delta = s[i + 1] - s[i];
      if (f32) {
        delta = (float) delta;
      }
      if (Double.isNaN(delta)) { // numpy's argmax stops at the first NaN
        ia = i;
        break;
      }
      if (ia < 0 || delta > best) {
        best = delta;
        ia = i;
      }
    }
    double sum = s[ia] + s[ia + 1];
    if (f32) {
      sum = (float) sum;
      return (float) (0.5 * sum);
    }
    return 0.5 * sum;
  }

  private static int[] dims3(NiftiHeader h) {
    long[] shape = h.shape();
    int[] d = {1, 1, 1};
    for (int i = 0; i < Math.min(3, shape.length); i++) {
      d[i] = Math.toIntExact(shape[i]);
    }
    return d;
  }

  private static double[] read3d(NiftiImage img) {
    if (img.volumeCount() != 1) {
      throw new IllegalArgumentException("expected a 3-D image, got " + img.volumeCount() + " volumes");
    }
    double[] v = new double[img.voxelsPerVolume()];
    img.seek(0);
    img.readVolume(v);
    return v;
  }

  private static void checkLength(int length, int x, int y, int z) {
    if (x <= 0 || y <= 0 || z <= 0 || (long) x * y * z != length) {
      throw new IllegalArgumentException("array of " + length + " values for a " + x + "×" + y + "×" + z + " grid");
    }
  }
}
