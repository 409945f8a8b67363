package io.voxelflow.masking.regions;

import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiImage;
import java.util.Arrays;
import java.util.Objects;

/**
 * nilearn 0.10.4's {@code NiftiMapsMasker(maps_img, mask_img, allow_overlap, keep_masked_maps,
 * resampling_target='data', ...).fit_transform(img)} without smoothing: one signal per map, the
 * least-squares coefficients of each volume on the maps ({@code img_to_signals_maps}), then {@link
 * Signal#clean}.
 *
 * <ol>
 *   <li>The maps are resampled to the data grid ({@link Interpolation#CONTINUOUS}, nilearn's
 *       choice) unless they have the same field of view; the mask with nearest neighbour.
 *       Resampled maps come from a {@link ResampledAtlasCache}.
 *   <li>{@code allowOverlap = false}: map values below the dtype's machine epsilon (float maps) are
 *       set to 0 — and, as in nilearn, those thresholded maps (negative values gone) are the ones
 *       used for the extraction — then a voxel where two maps are positive is an error.
 *   <li>Without a mask the regression runs over every voxel (voxels where all maps are 0 do not
 *       change the solution and are skipped). With a mask ({@code _trim_maps}): maps are set to 0
 *       outside the mask, the regression runs over the mask voxels where at least one map is
 *       <i>positive</i>, and with {@code keepMaskedMaps} (default, nilearn 0.10) a map with no
 *       voxel in the mask keeps its column (its coefficient is 0, the minimum-norm solution);
 *       otherwise it is dropped.
 *   <li>Per volume (non-finite values read as 0): {@code s = argmin ‖A s − b‖}, minimum-norm,
 *       singular values {@code ≤ eps·σ_max} treated as 0 ({@code scipy.linalg.lstsq}'s default
 *       cutoff, {@code eps} of the computation's dtype). Computed in double precision from a QR
 *       factorisation made once and a Jacobi SVD of {@code R}. nilearn computes in the common
 *       dtype of maps and data — in single precision (LAPACK {@code sgelsd}) for float32 maps and
 *       float32 data — so it differs from this exact solution by its float32 rounding error
 *       (relative ~1e-6 on the reference data); results are rounded to float32 when nilearn's
 *       are float32.
 * </ol>
 *
 * <p>Memory: the maps on the data grid, one volume, the {@code T × K} result. Thread-safe.
 */
public final class MapsMasker {
  private static final double FLOAT32_EPS = Math.ulp(1.0f);
  private static final double FLOAT64_EPS = Math.ulp(1.0);

  private final MapsAtlas maps;
  private final BinaryMask mask;
  private final LabelsAtlas maskAtlas;
  private final boolean allowOverlap;
  private final boolean keepMaskedMaps;
  private final Interpolation interpolation;
  private final CleanOptions clean;
  private final ResampledAtlasCache cache;

  private MapsMasker(Builder b) {
    this.maps = b.maps;
    this.mask = b.mask;
    this.maskAtlas = b.mask == null ? null : LabelsMasker.maskAsAtlas(b.mask);
    this.allowOverlap = b.allowOverlap;
    this.keepMaskedMaps = b.keepMaskedMaps;
    this.interpolation = b.interpolation;
    this.clean = b.clean;
    this.cache = b.cache == null ? new ResampledAtlasCache(4) : b.cache;
  }

  /** A builder for these maps with nilearn's defaults. */
  public static Builder builder(MapsAtlas maps) {
    return new Builder(maps);
  }

  /** Extracts and cleans the signals of an image with the masker's cleaning options. */
  public RegionSignals transform(NiftiImage image) {
    return transform(VolumeSource.of(image), clean);
  }

  /** Extracts and cleans with the masker's cleaning options. */
  public RegionSignals transform(VolumeSource source) {
    return transform(source, clean);
  }

  /** Extracts and cleans with per-call cleaning options; {@code null}: no cleaning. */
  public RegionSignals transform(VolumeSource source, CleanOptions cleanOptions) {
    Extraction e = prepare(source);
    RegionSignals raw = e.run(source);
    if (cleanOptions == null || raw.regionCount() == 0) {
      return raw;
    }
    double[][] cleaned = Signal.clean(raw.signals(), cleanOptions);
    if (e.outputFloat32) {
      LabelsMasker.roundToFloat(cleaned);
    }
    return new RegionSignals(cleaned, raw.regions());
  }

  /** The signals before cleaning ({@code img_to_signals_maps}). */
  public RegionSignals extract(VolumeSource source) {
    return prepare(source).run(source);
  }

  public MapsAtlas maps() {
    return maps;
  }

  public BinaryMask mask() {
    return mask;
  }

  // --------------------------------------------------------------------------- set-up

  private Extraction prepare(VolumeSource source) {
    Grid grid = source.grid();
    MapsAtlas m = cache.maps(maps, grid, interpolation);
    int k = m.count();
    int v = grid.size();
    double[][] mv = new double[k][];
    for (int c = 0; c < k; c++) {
      mv[c] = m.mapView(c);
    }
    if (!allowOverlap) {
      mv = thresholdAndCheckOverlap(mv, m.datatype());
    }
    int[] kept;
    boolean[] rows = new boolean[v];
    if (maskAtlas == null) {
      kept = new int[k];
      for (int c = 0; c < k; c++) {
        kept[c] = c;
      }
      for (int n = 0; n < v; n++) {
        for (int c = 0; c < k; c++) {
          double x = mv[c][n];
          if (x != 0.0 && Double.isFinite(x)) {
            rows[n] = true;
            break;
          }
        }
      }
    } else {
      LabelsAtlas ma = cache.labels(maskAtlas, grid);
      int[] idx = new int[k];
      int nk = 0;
      for (int c = 0; c < k; c++) {
        double s = 0;
        for (int n = 0; n < v; n++) {
          if (ma.value(n) != 0.0) {
            s += Math.abs(finite(mv[c][n]));
          }
        }
        if (keepMaskedMaps || s > 0) {
          idx[nk++] = c;
        }
      }
      kept = Arrays.copyOf(idx, nk);
      for (int n = 0; n < v; n++) {
        if (ma.value(n) == 0.0) {
          continue;
        }
        for (int c : kept) {
          if (finite(mv[c][n]) > 0) {
            rows[n] = true;
            break;
          }
        }
      }
    }
    int nRows = 0;
    for (boolean r : rows) {
      if (r) {
        nRows++;
      }
    }
    int[] rowIndex = new int[nRows];
    double[][] a = new double[kept.length][nRows]; // column-major: a[c][row]
    int p = 0;
    for (int n = 0; n < v; n++) {
      if (rows[n]) {
        rowIndex[p] = n;
        for (int c = 0; c < kept.length; c++) {
          a[c][p] = finite(mv[kept[c]][n]);
        }
        p++;
      }
    }
    boolean mapsF32 = m.datatype() == NiftiDatatype.FLOAT32;
    boolean single = mapsF32 && singleCompatible(source.datatype());
    double[] regions = new double[kept.length];
    for (int c = 0; c < kept.length; c++) {
      regions[c] = kept[c];
    }
    LeastSquares ls = new LeastSquares(a, single ? FLOAT32_EPS : FLOAT64_EPS);
    return new Extraction(rowIndex, ls, regions, single);
  }

  /** numpy's result type of float32 maps with data of this dtype is float32. */
  private static boolean singleCompatible(NiftiDatatype data) {
    return switch (data) {
      case FLOAT32, INT8, UINT8, INT16, UINT16 -> true;
      default -> false;
    };
  }

  private static double finite(double x) {
    return Double.isFinite(x) ? x : 0.0;
  }

  private static double[][] thresholdAndCheckOverlap(double[][] mv, NiftiDatatype type) {
    boolean isFloat = type == NiftiDatatype.FLOAT32 || type == NiftiDatatype.FLOAT64;
    double eps = type == NiftiDatatype.FLOAT32 ? FLOAT32_EPS : FLOAT64_EPS;
    double[][] out = new double[mv.length][];
    for (int c = 0; c < mv.length; c++) {
      out[c] = mv[c].clone();
      if (isFloat) {
        for (int n = 0; n < out[c].length; n++) {
          if (out[c][n] < eps) {
            out[c][n] = 0.0;
          }
        }
      }
    }
    int v = out.length == 0 ? 0 : out[0].length;
    for (int n = 0; n < v; n++) {
      int positive = 0;
      for (double[] map : out) {
        if (map[n] > 0.0) {
          positive++;
        }
      }
      if (positive > 1) {
        throw new IllegalArgumentException("Overlap detected in the maps. The overlap may be due"
            + " to the atlas itself or possibly introduced by resampling.");
      }
    }
    return out;
  }

  private static final class Extraction {
    final int[] rowIndex;
    final LeastSquares ls;
    final double[] regions;
    final boolean outputFloat32;

    Extraction(int[] rowIndex, LeastSquares ls, double[] regions, boolean outputFloat32) {
      this.rowIndex = rowIndex;
      this.ls = ls;
      this.regions = regions;
      this.outputFloat32 = outputFloat32;
    }

    RegionSignals run(VolumeSource source) {
      int t = source.volumeCount();
      double[][] signals = new double[t][];
      double[] volume = new double[source.grid().size()];
      double[] b = new double[rowIndex.length];
      for (int i = 0; i < t; i++) {
        source.readNext(volume);
        for (int p = 0; p < rowIndex.length; p++) {
          b[p] = finite(volume[rowIndex[p]]);
        }
        double[] s = ls.solve(b);
        if (outputFloat32) {
          for (int c = 0; c < s.length; c++) {
            s[c] = (float) s[c];
          }
        }
        signals[i] = s;
      }
      return new RegionSignals(signals, regions.clone());
    }
  }

  /** Options of a {@link MapsMasker}; defaults are nilearn 0.10.4's. */
  public static final class Builder {
    private final MapsAtlas maps;
    private BinaryMask mask;
    private boolean allowOverlap = true;
    private boolean keepMaskedMaps = true;
    private Interpolation interpolation = Interpolation.CONTINUOUS;
    private CleanOptions clean;
    private ResampledAtlasCache cache;

    private Builder(MapsAtlas maps) {
      this.maps = Objects.requireNonNull(maps, "maps");
    }

    /** Restricts the maps to this mask; null (default) for none. */
    public Builder mask(BinaryMask mask) {
      this.mask = mask;
      return this;
    }

    /** Default true; false refuses maps that overlap (see the class comment). */
    public Builder allowOverlap(boolean allow) {
      this.allowOverlap = allow;
      return this;
    }

    /** Default true (nilearn 0.10): maps the mask empties keep a column (of zeros). */
    public Builder keepMaskedMaps(boolean keep) {
      this.keepMaskedMaps = keep;
      return this;
    }

    /**
     * Interpolation used to bring the maps to the data grid; default {@link
     * Interpolation#CONTINUOUS} as nilearn.
     */
    public Builder interpolation(Interpolation interpolation) {
      this.interpolation = Objects.requireNonNull(interpolation, "interpolation");
      return this;
    }

    /** Cleaning applied by {@link #transform(VolumeSource)}; null (default) for none. */
    public Builder clean(CleanOptions options) {
      this.clean = options;
      return this;
    }

    /** Where resampled maps are kept; default a small cache private to the masker. */
    public Builder cache(ResampledAtlasCache cache) {
      this.cache = cache;
      return this;
    }

    public MapsMasker build() {
      return new MapsMasker(this);
    }
  }
}
