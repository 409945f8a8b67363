package io.voxelflow.masking.regions;

import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiImage;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * nilearn 0.10.4's {@code NiftiLabelsMasker(labels_img, background_label, mask_img, strategy,
 * keep_masked_labels, resampling_target='data', ...).fit_transform(img)} without smoothing: one
 * signal per atlas region, then {@link Signal#clean}.
 *
 * <ol>
 *   <li>The atlas is resampled to the data grid (nearest neighbour) unless it has the same field
 *       of view ({@link Grid#sameFov}); likewise the mask. Resampled atlases come from a {@link
 *       ResampledAtlasCache}, so an atlas is resampled once per grid.
 *   <li>Regions ({@code _get_labels_data}): the distinct label values other than the background,
 *       ascending. With {@code keepMaskedLabels} (nilearn 0.10's default) they are taken before
 *       the mask is applied, so a region left without voxels by the mask keeps its column, filled
 *       with 0; otherwise it is dropped. Voxels outside the mask count as background.
 *   <li>Each volume ({@code img_to_signals_labels}; non-finite values read as 0) is reduced per
 *       region by the {@link Strategy} (scipy's {@code ndimage} semantics and summation order).
 *       For float32 data, each value is rounded to float32 (nilearn's signals array is float32).
 *   <li>{@link Signal#clean} with the given options (none: signals as extracted, which is what
 *       nilearn's masker defaults {@code detrend=False, standardize=False} give); for float32
 *       data the cleaned values are rounded to float32 too.
 * </ol>
 *
 * <p>Memory: one volume and the {@code T × regions} result; the image is read once, in order.
 * Instances are immutable and thread-safe (the cache is shared).
 */
public final class LabelsMasker {
  private final LabelsAtlas atlas;
  private final double background;
  private final BinaryMask mask;
  private final LabelsAtlas maskAtlas;
  private final Strategy strategy;
  private final boolean keepMaskedLabels;
  private final CleanOptions clean;
  private final ResampledAtlasCache cache;
  private final Consumer<String> warnings;

  private LabelsMasker(Builder b) {
    this.atlas = b.atlas;
    this.background = b.background;
    this.mask = b.mask;
    this.maskAtlas = b.mask == null ? null : maskAsAtlas(b.mask);
    this.strategy = b.strategy;
    this.keepMaskedLabels = b.keepMaskedLabels;
    this.clean = b.clean;
    this.cache = b.cache == null ? new ResampledAtlasCache(4) : b.cache;
    this.warnings = b.warnings;
  }

  /** A builder for this atlas with nilearn's defaults. */
  public static Builder builder(LabelsAtlas atlas) {
    return new Builder(atlas);
  }

  /** Extracts and cleans the signals of an image with the masker's cleaning options. */
  public RegionSignals transform(NiftiImage image) {
    return transform(VolumeSource.of(image), clean);
  }

  /** Extracts and cleans with the masker's cleaning options. */
  public RegionSignals transform(VolumeSource source) {
    return transform(source, clean);
  }

  /**
   * Extracts and cleans with per-call cleaning options (e.g. this subject's confounds or sample
   * mask); {@code null}: no cleaning.
   */
  public RegionSignals transform(VolumeSource source, CleanOptions cleanOptions) {
    RegionSignals raw = extract(source);
    if (cleanOptions == null || raw.regionCount() == 0) {
      return raw;
    }
    double[][] cleaned;
    if (source.float32() && io.voxelflow.masking.extract.Float32Clean.supports(cleanOptions)) {
      // nilearn cleans float32 region signals in float32: do the same to agree with it exactly.
      cleaned = io.voxelflow.masking.extract.MaskedSignals.toDouble(
          io.voxelflow.masking.extract.Float32Clean.clean(io.voxelflow.masking.extract.MaskedSignals.toFloat(raw.signals()), cleanOptions));
    } else {
      cleaned = Signal.clean(raw.signals(), cleanOptions);
      if (source.float32()) {
        roundToFloat(cleaned);
      }
    }
    return new RegionSignals(cleaned, raw.regions());
  }

  /** The signals before cleaning ({@code img_to_signals_labels}). */
  public RegionSignals extract(VolumeSource source) {
    Grid grid = source.grid();
    LabelsAtlas a = cache.labels(atlas, grid);
    if (a != atlas) {
      double[] before = atlas.labels(Double.NaN);
      double[] after = a.labels(Double.NaN);
      if (before.length != after.length) {
        warnings.accept("After resampling the label image to the data image, the following labels"
            + " were removed: " + Arrays.toString(missing(before, after)) + ". Label image only"
            + " contains " + after.length + " labels (including background).");
      }
    }
    double[] labelsData = a.values();
    double[] regions = keepMaskedLabels ? LabelsAtlas.distinctExcept(labelsData, background) : null;
    if (maskAtlas != null) {
      LabelsAtlas m = cache.labels(maskAtlas, grid);
      for (int n = 0; n < labelsData.length; n++) {
        if (m.value(n) == 0.0) {
          labelsData[n] = background;
        }
      }
    }
    if (!keepMaskedLabels) {
      regions = LabelsAtlas.distinctExcept(labelsData, background);
    }
    Plan plan = new Plan(grid, labelsData, regions);
    int t = source.volumeCount();
    double[][] signals = new double[t][regions.length];
    double[] volume = new double[grid.size()];
    boolean f32 = source.float32();
    for (int i = 0; i < t; i++) {
      source.readNext(volume);
      for (int n = 0; n < volume.length; n++) {
        if (!Double.isFinite(volume[n])) {
          volume[n] = 0.0;
        }
      }
      plan.reduce(volume, strategy, f32, signals[i]);
    }
    return new RegionSignals(signals, regions);
  }

  /** The regions (label values) this masker extracts on a grid, in column order. */
  public double[] regions(Grid grid) {
    LabelsAtlas a = cache.labels(atlas, grid);
    double[] labelsData = a.values();
    if (keepMaskedLabels || maskAtlas == null) {
      return LabelsAtlas.distinctExcept(labelsData, background);
    }
    LabelsAtlas m = cache.labels(maskAtlas, grid);
    for (int n = 0; n < labelsData.length; n++) {
      if (m.value(n) == 0.0) {
        labelsData[n] = background;
      }
    }
    return LabelsAtlas.distinctExcept(labelsData, background);
  }

  public LabelsAtlas atlas() {
    return atlas;
  }

  public BinaryMask mask() {
    return mask;
  }

  public Strategy strategy() {
    return strategy;
  }

  // --------------------------------------------------------------------------- reduction plan

  /** Voxels of each region, in numpy C order of (i, j, k) (scipy's summation order). */
  private static final class Plan {
    final int[] voxel;  // file-order index, C-order sequence
    final int[] column; // region column of each listed voxel
    final int[] count;
    final int[] start;  // per region: offset in byRegion
    final int[] byRegion;

    Plan(Grid g, double[] labelsData, double[] regions) {
      int r = regions.length;
      count = new int[r];
      int total = 0;
      int[] col = new int[labelsData.length];
      for (int n = 0; n < labelsData.length; n++) {
        double x = labelsData[n] == 0.0 ? 0.0 : labelsData[n];
        int c = r == 0 ? -1 : Arrays.binarySearch(regions, x);
        col[n] = c < 0 ? -1 : c;
        if (c >= 0) {
          count[c]++;
          total++;
        }
      }
      voxel = new int[total];
      column = new int[total];
      start = new int[r + 1];
      for (int c = 0; c < r; c++) {
        start[c + 1] = start[c] + count[c];
      }
      byRegion = new int[total];
      int[] fill = Arrays.copyOf(start, r);
      int p = 0;
      for (int i = 0; i < g.nx(); i++) {
        for (int j = 0; j < g.ny(); j++) {
          for (int k = 0; k < g.nz(); k++) {
            int n = g.index(i, j, k);
            if (col[n] >= 0) {
              voxel[p] = n;
              column[p] = col[n];
              byRegion[fill[col[n]]++] = n;
              p++;
            }
          }
        }
      }
    }

    void reduce(double[] v, Strategy s, boolean f32, double[] out) {
      int r = count.length;
      switch (s) {
        case MEAN, SUM, VARIANCE, STANDARD_DEVIATION -> {
          double[] sum = new double[r];
          for (int p = 0; p < voxel.length; p++) {
            sum[column[p]] += v[voxel[p]];
          }
          if (s == Strategy.SUM) {
            System.arraycopy(sum, 0, out, 0, r);
          } else {
            double[] mean = new double[r];
            for (int c = 0; c < r; c++) {
              mean[c] = sum[c] / count[c];
            }
            if (s == Strategy.MEAN) {
              System.arraycopy(mean, 0, out, 0, r);
            } else {
              double[] ss = new double[r];
              for (int p = 0; p < voxel.length; p++) {
                double d = v[voxel[p]] - mean[column[p]];
                ss[column[p]] += d * d;
              }
              for (int c = 0; c < r; c++) {
                double var = ss[c] / count[c];
                out[c] = s == Strategy.VARIANCE ? var : Math.sqrt(var);
              }
            }
          }
        }
        case MINIMUM, MAXIMUM -> {
          for (int c = 0; c < r; c++) {
            double m = s == Strategy.MINIMUM ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            for (int q = start[c]; q < start[c + 1]; q++) {
              m = s == Strategy.MINIMUM ? Math.min(m, v[byRegion[q]]) : Math.max(m, v[byRegion[q]]);
            }
            out[c] = m;
          }
        }
        case MEDIAN -> {
          for (int c = 0; c < r; c++) {
            int n = count[c];
            if (n == 0) {
              continue;
            }
            double[] vals = new double[n];
            for (int q = 0; q < n; q++) {
              vals[q] = v[byRegion[start[c] + q]];
            }
            Arrays.sort(vals);
            int step = (n - 1) / 2;
            double lo = vals[step];
            double hi = vals[n - 1 - step];
            out[c] = f32 ? ((float) lo + (float) hi) / 2.0f : (lo + hi) / 2.0;
          }
        }
        default -> throw new AssertionError(s);
      }
      for (int c = 0; c < r; c++) {
        if (count[c] == 0) {
          out[c] = 0.0; // nilearn: "Set to zero signals for missing labels"
        } else if (f32) {
          out[c] = (float) out[c];
        }
      }
    }
  }

  // --------------------------------------------------------------------------- helpers

  static LabelsAtlas maskAsAtlas(BinaryMask mask) {
    boolean[] m = mask.voxels();
    double[] v = new double[m.length];
    int count = 0;
    for (int i = 0; i < m.length; i++) {
      if (m[i]) {
        v[i] = 1.0;
        count++;
      }
    }
    if (count == 0) {
      throw new IllegalArgumentException("The mask is invalid as it is empty: it masks all data.");
    }
    return LabelsAtlas.of(new Grid(mask.x(), mask.y(), mask.z(), mask.affine()), v);
  }

  static void roundToFloat(double[][] m) {
    for (double[] row : m) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) row[j];
      }
    }
  }

  private static double[] missing(double[] before, double[] after) {
    return Arrays.stream(before).filter(x -> Arrays.binarySearch(after, x) < 0).toArray();
  }

  static final Consumer<String> LOG_WARNINGS = message ->
      System.getLogger(LabelsMasker.class.getName()).log(System.Logger.Level.WARNING, message);

  /** Options of a {@link LabelsMasker}; defaults are nilearn 0.10.4's. */
  public static final class Builder {
    private final LabelsAtlas atlas;
    private double background;
    private BinaryMask mask;
    private Strategy strategy = Strategy.MEAN;
    private boolean keepMaskedLabels = true;
    private CleanOptions clean;
    private ResampledAtlasCache cache;
    private Consumer<String> warnings = LOG_WARNINGS;

    private Builder(LabelsAtlas atlas) {
      this.atlas = Objects.requireNonNull(atlas, "atlas");
    }

    /** The label value that is not a region (default 0). */
    public Builder backgroundLabel(double label) {
      this.background = label;
      return this;
    }

    /** Voxels outside this mask count as background; null (default) for none. */
    public Builder mask(BinaryMask mask) {
      this.mask = mask;
      return this;
    }

    /** Default {@link Strategy#MEAN}. */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /**
     * Default true (nilearn 0.10): regions the mask empties keep a column of zeros; false drops
     * them.
     */
    public Builder keepMaskedLabels(boolean keep) {
      this.keepMaskedLabels = keep;
      return this;
    }

    /** Cleaning applied by {@link #transform(VolumeSource)}; null (default) for none. */
    public Builder clean(CleanOptions options) {
      this.clean = options;
      return this;
    }

    /** Where resampled atlases are kept; default a small cache private to the masker. */
    public Builder cache(ResampledAtlasCache cache) {
      this.cache = cache;
      return this;
    }

    /** Receiver of nilearn's warnings (default: System.Logger at WARNING). */
    public Builder warnings(Consumer<String> sink) {
      this.warnings = Objects.requireNonNull(sink, "warnings");
      return this;
    }

    public LabelsMasker build() {
      return new LabelsMasker(this);
    }
  }

}
