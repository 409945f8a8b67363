package io.voxelflow.masking.regions;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Probabilistic (or any weighted) region maps (nilearn's {@code maps_img}): {@code K} 3-D maps on
 * one grid, the 4-D image's volumes. Immutable; values in NIfTI file order.
 *
 * <p>{@link #datatype()} is the dtype nilearn would hold the maps in: it decides the rounding of
 * resampled maps and the precision of nilearn's least squares ({@link MapsMasker}). {@link #id()}
 * is a SHA-256 of grid, datatype and values ({@link ResampledAtlasCache} keys on it).
 */
public final class MapsAtlas {
  private final Grid grid;
  private final double[][] maps;
  private final NiftiDatatype datatype;
  private final String id;

  private MapsAtlas(Grid grid, double[][] maps, NiftiDatatype datatype) {
    this.grid = grid;
    this.maps = maps;
    this.datatype = datatype;
    this.id = LabelsAtlas.digest("maps:" + datatype.numpyName(), grid, maps);
  }

  /**
   * Maps from arrays (copied).
   *
   * @param maps {@code K} arrays of {@code grid.size()} values in file order
   * @param datatype the dtype the values have (FLOAT32 values must be floats)
   */
  public static MapsAtlas of(Grid grid, double[][] maps, NiftiDatatype datatype) {
    Objects.requireNonNull(grid, "grid");
    Objects.requireNonNull(datatype, "datatype");
    if (maps.length == 0) {
      throw new IllegalArgumentException("at least one map is needed");
    }
    double[][] m = new double[maps.length][];
    for (int k = 0; k < maps.length; k++) {
      if (maps[k].length != grid.size()) {
        throw new IllegalArgumentException("map " + k + " has " + maps[k].length
            + " values on a grid of " + grid.size() + " voxels");
      }
      m[k] = maps[k].clone();
    }
    return new MapsAtlas(grid, m, datatype);
  }

  /** Reads a 4-D maps image (a 3-D image is one map). */
  public static MapsAtlas load(Path path) {
    try (NiftiImage img = NiftiImage.open(path)) {
      return of(img);
    }
  }

  /** All volumes of an open image, each a map. */
  public static MapsAtlas of(NiftiImage img) {
    long k = img.volumeCount();
    if (k > 100_000) {
      throw new IllegalArgumentException("too many maps: " + k);
    }
    double[][] m = new double[(int) k][img.voxelsPerVolume()];
    img.seek(0);
    for (double[] v : m) {
      img.readVolume(v);
    }
    NiftiDatatype type = Dtypes.ofData(img.header());
    return new MapsAtlas(Grid.of(img.header()), m, type);
  }

  public Grid grid() {
    return grid;
  }

  /** Number of maps {@code K}. */
  public int count() {
    return maps.length;
  }

  /** A copy of map {@code k} (file order). */
  public double[] map(int k) {
    return maps[k].clone();
  }

  /** Map {@code k} without copying (must not be modified). */
  double[] mapView(int k) {
    return maps[k];
  }

  /** The dtype of the values (scaled images count as float64). */
  public NiftiDatatype datatype() {
    return datatype;
  }

  /** SHA-256 (hex) of grid, datatype and values. */
  public String id() {
    return id;
  }

  /**
   * These maps on another grid (nilearn's {@code resample_img(maps_img, interpolation=...)};
   * {@code NiftiMapsMasker} uses {@link Interpolation#CONTINUOUS}). Values keep nilearn's dtype
   * ({@link Resampling.ValueType#of}). Returns this when {@code target} has the same field of view.
   */
  public MapsAtlas resampleTo(Grid target, Interpolation interpolation) {
    if (target.sameFov(grid)) {
      return this;
    }
    Resampling.ValueType vt = Resampling.ValueType.of(datatype, false, interpolation);
    double[][] r = Resampling.resample(maps, grid, target, interpolation, vt);
    NiftiDatatype out = switch (vt) {
      case FLOAT32 -> NiftiDatatype.FLOAT32;
      case FLOAT64 -> NiftiDatatype.FLOAT64;
      case INTEGER -> datatype;
    };
    return new MapsAtlas(target, r, out);
  }

  @Override
  public String toString() {
    return "MapsAtlas[" + grid.nx() + "×" + grid.ny() + "×" + grid.nz() + "×" + maps.length + " "
        + datatype.numpyName() + ", id " + id.substring(0, 12) + "]";
  }
}
