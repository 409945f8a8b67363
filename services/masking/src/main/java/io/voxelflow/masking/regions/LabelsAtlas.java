package io.voxelflow.masking.regions;

import io.voxelflow.nifti.NiftiImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A label atlas (nilearn's {@code labels_img}): one label value per voxel of a grid; each value
 * other than the background is a region. Immutable; values in NIfTI file order, non-finite values
 * read as 0 (nilearn's {@code ensure_finite}).
 *
 * <p>{@link #id()} is a SHA-256 of the grid and the values: two atlases with the same id are the
 * same atlas, whatever file they came from. {@link ResampledAtlasCache} keys on it.
 */
public final class LabelsAtlas {
  private final Grid grid;
  private final double[] values;
  private final String id;

  private LabelsAtlas(Grid grid, double[] values) {
    this.grid = grid;
    this.values = values;
    this.id = digest("labels", grid, new double[][] {values});
  }

  /**
   * An atlas from values on a grid (copied; non-finite values become 0).
   *
   * @param values {@code grid.size()} label values in file order
   */
  public static LabelsAtlas of(Grid grid, double[] values) {
    Objects.requireNonNull(grid, "grid");
    if (values.length != grid.size()) {
      throw new IllegalArgumentException("labels of " + values.length + " values on a grid of "
          + grid.size() + " voxels");
    }
    double[] v = values.clone();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        v[i] = 0.0;
      }
    }
    return new LabelsAtlas(grid, v);
  }

  /** Reads a 3-D label image (a 4-D image with a single volume is accepted, as nilearn does). */
  public static LabelsAtlas load(Path path) {
    try (NiftiImage img = NiftiImage.open(path)) {
      return of(img);
    }
  }

  /** The first (only) volume of an open 3-D image. */
  public static LabelsAtlas of(NiftiImage img) {
    if (img.volumeCount() != 1) {
      throw new IllegalArgumentException("a label atlas must be a 3-D image; " + img.path()
          + " has " + img.volumeCount() + " volumes");
    }
    double[] v = new double[img.voxelsPerVolume()];
    img.seek(0);
    img.readVolume(v);
    return of(Grid.of(img.header()), v);
  }

  public Grid grid() {
    return grid;
  }

  /** A copy of the label values (file order). */
  public double[] values() {
    return values.clone();
  }

  /** The value at file-order index {@code n}. */
  public double value(int n) {
    return values[n];
  }

  /** SHA-256 (hex) of the grid and the values. */
  public String id() {
    return id;
  }

  /** The distinct label values other than {@code background}, ascending. */
  public double[] labels(double background) {
    return distinctExcept(values, background);
  }

  /**
   * This atlas on another grid, by nearest-neighbour resampling (nilearn's {@code
   * resample_img(labels_img, interpolation='nearest')}, as {@code NiftiLabelsMasker} does with
   * {@code resampling_target='data'}). Returns this atlas when {@code target} has the same field of
   * view ({@link Grid#sameFov}).
   */
  public LabelsAtlas resampleTo(Grid target) {
    if (target.sameFov(grid)) {
      return this;
    }
    double[] r = Resampling.resample(values, grid, target, Interpolation.NEAREST,
        Resampling.ValueType.FLOAT64);
    return new LabelsAtlas(target, r);
  }

  static double[] distinctExcept(double[] values, double background) {
    double[] s = values.clone();
    Arrays.sort(s);
    double[] out = new double[s.length];
    int n = 0;
    for (int i = 0; i < s.length; i++) {
      double x = s[i] == 0.0 ? 0.0 : s[i]; // -0.0 and 0.0 are one label
      if ((n == 0 || out[n - 1] != x) && x != background) {
        out[n++] = x;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** SHA-256 over a tag, the grid and the volumes (doubles, little-endian). */
  static String digest(String tag, Grid grid, double[][] volumes) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
    byte[] t = tag.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    b.putInt(t.length).put(t).putInt(grid.nx()).putInt(grid.ny()).putInt(grid.nz()).putInt(volumes.length);
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        b.putDouble(grid.affine(r, c));
      }
    }
    for (double[] v : volumes) {
      for (double x : v) {
        if (b.remaining() < 8) {
          md.update(b.array(), 0, b.position());
          b.clear();
        }
        b.putDouble(x == 0.0 ? 0.0 : x);
      }
    }
    md.update(b.array(), 0, b.position());
    return HexFormat.of().formatHex(md.digest());
  }

  @Override
  public String toString() {
    return "LabelsAtlas[" + grid.nx() + "×" + grid.ny() + "×" + grid.nz() + ", id " + id.substring(0, 12) + "]";
  }
}
